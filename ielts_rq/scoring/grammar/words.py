"""Tokens, word classes and the word lists the grammar rules share.

Word classes come from lemminflect's tables (Penn tags a word form can
have), with no tagger model: a rule asks what a word *can* be and fires only
where every reading is wrong.
"""

from __future__ import annotations

import functools
import re


_TOKEN = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*(?:-[A-Za-z]+)*|\d+(?:[.,]\d+)*%?|[^\sA-Za-z\d]")


class Tok:
    __slots__ = ("text", "low", "start", "end", "word")

    def __init__(self, m):
        self.text = m.group(0)
        self.low = self.text.lower().replace("\u2019", "'")
        self.start, self.end = m.start(), m.end()
        self.word = self.text[0].isascii() and self.text[0].isalpha()

    def __repr__(self):
        return self.text


def tokenize(sentence):
    return [Tok(m) for m in _TOKEN.finditer(sentence)]


@functools.lru_cache(maxsize=100_000)
def tags(word: str) -> frozenset:
    """Penn tags a lower-case word can have, from lemminflect's tables.

    What ``getAllLemmas(word)`` then ``getAllInflections(lemma, upos=pos)`` give, read from the same
    tables without the deep copy each of those calls makes of its entries (about 0.3 ms a new word,
    most of the grammar rules' time on an essay of new words). A test checks the two agree.
    """
    from lemminflect.core.Lemmatizer import Lemmatizer
    from lemminflect.core.LexicalUtils import getCapsStyle

    style = getCapsStyle(word)
    out = set()
    for pos, lemmas in _table_entry(Lemmatizer(), word.lower()).items():
        for lemma in _in_style(lemmas, style):
            for tag, forms in _inflections(lemma, pos).items():
                if word in forms:
                    out.add(tag)
    return frozenset(out)


def _inflections(lemma: str, upos: str) -> dict:
    """``lemminflect.getAllInflections(lemma, upos)``, read without copying (see ``tags``)."""
    from lemminflect.core.Inflections import Inflections
    from lemminflect.core.LexicalUtils import applyCapsStyle, getCapsStyle, uposToTags

    if upos not in Inflections.DICT_UPOS_TYPES:
        return {}
    style = getCapsStyle(lemma)
    lemma = lemma.lower()
    if upos == "PROPN":
        lemma, upos = applyCapsStyle(lemma, "first_upper"), "NOUN"
    wanted = uposToTags(upos)
    return {tag: _in_style(forms, style) for tag, forms in _table_entry(Inflections(), lemma).items()
            if tag in wanted}


def _table_entry(table, key: str) -> dict:
    """A key's entry in a lemminflect table with its overrides applied: the library's own tables, read,
    never changed here."""
    from lemminflect.core.Inflections import Inflections

    main = table._getInflDict() if isinstance(table, Inflections) else table._getLemmaDict()
    return {**main.get(key, {}), **table._getOverridesDict().get(key, {})}


def _in_style(words, style: str):
    """lemminflect's ``applyCapsStyleToDict`` for one entry: a tuple of forms, or one form."""
    from lemminflect.core.LexicalUtils import applyCapsStyle

    if isinstance(words, (list, tuple)):
        return tuple(applyCapsStyle(word, style) for word in words)
    return applyCapsStyle(words, style)


def is_word(t):
    return t is not None and t.word


PRONOUN_SUBJ_3SG = {"he", "she", "it"}
PRONOUN_SUBJ_NON3 = {"i", "you", "we", "they"}
MODALS = {"can", "could", "should", "must", "may", "might", "will", "would", "shall"}
NOUNISH_MODALS = {"can", "will", "must", "might", "may"}   # "a can", "free will", "a must", "his might"
AUX = MODALS | {"do", "does", "did", "don't", "doesn't", "didn't", "let", "lets", "'d", "'ll",
                "won't", "can't", "cannot", "couldn't", "shouldn't", "wouldn't", "mustn't"}
CAUSATIVE = {"make", "makes", "made", "making", "let", "lets", "letting", "help", "helps", "helped",
             "helping", "have", "has", "had", "having", "see", "sees", "saw", "seen", "watch",
             "watched", "hear", "heard", "feel", "felt", "notice", "noticed", "bid"}
SUBJUNCTIVE_TRIGGERS = {"suggest", "suggests", "suggested", "suggesting", "recommend", "recommends",
                        "recommended", "insist", "insists", "insisted", "demand", "demands", "demanded",
                        "require", "requires", "required", "request", "requested", "propose", "proposed",
                        "proposes", "essential", "vital", "important", "necessary", "crucial", "imperative",
                        "urge", "urged", "ask", "asked", "advise", "advised", "mandatory", "desirable",
                        "preferable", "critical", "lest", "order", "ordered", "move", "moved"}
CLAUSE_BOUNDARY = {",", ";", ":", "(", '"', "\u201c", "and", "but", "or", "so", "because", "that", "which",
                   "when", "if", "while", "whilst", "although", "though", "since", "as", "where",
                   "whereas", "unless", "until", "before", "after", "then", "once", "nor", "-", "\u2013"}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "my", "your", "his", "her", "its",
               "our", "their", "some", "any", "no", "every", "each", "many", "much", "most", "all",
               "several", "few", "both", "another", "other", "such", "what", "which", "whose"}
FREQ_ADVERBS = {"always", "often", "usually", "never", "sometimes", "also", "only", "still", "really",
                "just", "even", "rarely", "seldom", "generally", "normally", "certainly", "probably",
                "already", "frequently", "mostly", "actually", "hardly", "definitely", "truly", "not",
                "constantly", "occasionally"}
# verbs used with a plural-looking subject that is singular in meaning
SINGULAR_S = {"news", "series", "species", "means", "mathematics", "maths", "physics", "economics",
              "politics", "statistics", "athletics", "ethics", "gymnastics", "measles", "diabetes",
              "headquarters", "crossroads", "whereabouts", "linguistics", "electronics", "genetics",
              "logistics", "aerobics", "billiards", "darts", "works", "premises", "barracks"}
ZERO_PLURAL = {"sheep", "fish", "deer", "species", "series", "aircraft", "offspring", "means", "people",
               "police", "cattle", "data", "media", "staff", "personnel", "youth", "salmon", "trout",
               "swine", "bison", "moose", "craft", "spacecraft", "hovercraft", "dice", "crew",
               "headquarters", "crossroads", "clergy", "poultry", "livestock", "folk", "elite",
               "public", "majority", "minority", "family", "team", "couple", "percent", "per",
               "hundred", "thousand", "million", "billion", "dozen", "score", "kind", "sort", "type"}
COLLECTIVE = {"government", "team", "family", "committee", "staff", "police", "public", "audience",
              "crowd", "class", "company", "council", "group", "jury", "army", "media", "majority",
              "minority", "board", "band", "crew", "club", "union", "party", "population", "generation",
              "youth", "community", "society", "parliament", "navy", "press", "management", "faculty",
              "couple", "pair", "number", "rest", "total", "proportion", "percentage", "half", "none"}
UNCOUNTABLE_PLURALS = {
    "informations": "information", "advices": "advice", "furnitures": "furniture",
    "equipments": "equipment", "knowledges": "knowledge", "luggages": "luggage",
    "baggages": "baggage", "homeworks": "homework", "houseworks": "housework",
    "evidences": "evidence", "feedbacks": "feedback", "softwares": "software",
    "hardwares": "hardware", "sceneries": "scenery", "machineries": "machinery",
    "jewelleries": "jewellery", "jewelries": "jewelry", "garbages": "garbage", "rubbishes": "rubbish",
    "pollutions": "pollution", "transportations": "transportation", "musics": "music",
    "legislations": "legislation", "leisures": "leisure", "fundings": "funding",
    "vocabularys": "vocabulary", "slangs": "slang", "litteratures": "literature",
    "researches": "research", "staffs": "staff", "progresses": "progress", "traffics": "traffic",
    "moneys": "money", "wellbeings": "wellbeing", "healths": "health", "infos": "info",
    "accommodations": "accommodation", "junk foods": "junk food", "fast foods": "fast food",
}
# plural forms that are also verbs ("he researches", "it progresses", "the hotel staffs"):
# flagged only after a determiner/quantifier/adjective, never after a pronoun or noun
UNCOUNTABLE_VERBISH = {"researches", "staffs", "progresses", "traffics", "evidences", "funds",
                       "accommodations"}
# "accommodations" is standard in US English; "fast foods"/"junk foods" are borderline: keep out
UNCOUNTABLE_PLURALS.pop("accommodations")
UNCOUNTABLE_PLURALS.pop("fast foods")
UNCOUNTABLE_MASS = set(UNCOUNTABLE_PLURALS.values()) | {"news", "advice", "information", "furniture",
                                                        "equipment", "luggage", "homework"}
PLURAL_DETS = {"these", "those", "many", "several", "various", "numerous", "both", "few",
               "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
               "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "hundreds", "thousands",
               "millions", "multiple", "countless", "fewer"}
SINGULAR_DETS = {"this", "that", "each", "every", "another", "a", "an", "one", "either", "neither"}
NUMBER_WORDS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "thousand"}
UNIT_WORDS = {"percent", "per", "cent", "pm", "am", "times", "o'clock", "dozen", "hundred", "thousand",
              "million", "billion", "km", "kg", "cm", "mm", "kilometre", "kilometer", "metre", "meter",
              "year-old", "years-old", "degree", "fold", "plus"}
# past simple forms whose past participle differs ("has went" -> has gone)
PAST_NOT_PARTICIPLE = {
    "went": "gone", "saw": "seen", "ate": "eaten", "took": "taken", "wrote": "written", "came": "come",
    "began": "begun", "drank": "drunk", "rose": "risen", "chose": "chosen", "gave": "given",
    "knew": "known", "became": "become", "ran": "run", "broke": "broken", "spoke": "spoken",
    "fell": "fallen", "grew": "grown", "drove": "driven", "flew": "flown", "forgot": "forgotten",
    "hid": "hidden", "rang": "rung", "sang": "sung", "swam": "swum", "threw": "thrown", "wore": "worn",
    "stole": "stolen", "froze": "frozen", "shook": "shaken", "rode": "ridden", "arose": "arisen",
    "blew": "blown", "drew": "drawn", "mistook": "mistaken", "overtook": "overtaken",
    "undertook": "undertaken", "withdrew": "withdrawn", "underwent": "undergone", "did": "done",
    "was": "been", "were": "been", "showed": None, "bit": "bitten", "forbade": "forbidden",
    "sank": "sunk", "shrank": "shrunk", "tore": "torn", "woke": "woken", "strove": "striven",
    "overcame": "overcome", "forgave": "forgiven", "got": None}
PAST_NOT_PARTICIPLE = {k: v for k, v in PAST_NOT_PARTICIPLE.items() if v}
NOUNISH_PAST = {"saw", "rose", "fell", "bit", "drew"}  # "have rose bushes": skip before a noun
IRREGULAR_PAST = set(PAST_NOT_PARTICIPLE) | {
    "had", "made", "thought", "told", "left", "felt", "brought", "kept", "held", "stood", "heard",
    "meant", "met", "paid", "sat", "lay", "led", "lost", "sent", "built", "understood", "spent",
    "bought", "sought", "caught", "dealt", "won", "fought", "taught", "found", "said", "sold",
    "slept", "spent", "taught", "thought", "wept", "lent", "bent", "fed"}
PERFECT_AUX = {"has", "have", "had", "hasn't", "haven't", "hadn't", "'ve"}
PERFECT_GAP = {"not", "never", "already", "just", "always", "ever", "recently", "also", "only",
               "still", "since", "finally", "now", "all", "both", "n't"}
NEGATORS = {"don't", "doesn't", "didn't", "can't", "cannot", "won't", "isn't", "aren't", "wasn't",
            "weren't", "haven't", "hasn't", "hadn't", "couldn't", "shouldn't", "wouldn't", "never",
            "not"}
NEG_WORDS = {"nothing", "nobody", "nowhere", "none", "no one", "no-one"}
PREPOSITIONS_OBJ = {"to", "with", "from", "of", "between", "among", "about", "against", "without",
                    "towards", "toward", "into", "onto", "upon", "for", "like", "beside", "behind"}
PROFESSIONS = {"doctor", "teacher", "engineer", "nurse", "lawyer", "student", "scientist", "architect",
               "accountant", "farmer", "artist", "musician", "writer", "journalist", "pilot", "manager",
               "programmer", "designer", "soldier", "waiter", "waitress", "chef", "dentist",
               "pharmacist", "researcher", "volunteer", "actor", "actress", "singer", "driver", "banker",
               "businessman", "businesswoman", "entrepreneur", "teenager", "adult", "child", "citizen",
               "policeman", "firefighter", "mechanic", "surgeon", "professor", "lecturer", "athlete",
               "footballer", "student", "housewife", "worker", "employee", "secretary", "cleaner"}
COUNT_NOUNS_COMMON = {"example", "problem", "issue", "idea", "reason", "question", "challenge",
                      "decision", "factor", "advantage", "disadvantage", "solution", "difference",
                      "step", "opportunity", "mistake", "job", "car", "house", "computer", "phone",
                      "dog", "cat", "bike", "laptop", "apartment", "flat", "brother", "sister",
                      "friend", "city", "town", "village", "country", "day", "way", "method", "trend",
                      "increase", "decrease", "rise", "fall", "drop", "argument", "effect", "impact"}
ARTICLE_ADJ = {"good", "great", "big", "important", "serious", "major", "huge", "useful", "clear",
               "perfect", "excellent", "typical", "new", "small", "large", "nice", "bad", "old",
               "better", "best", "worst", "little", "long", "short", "significant", "dramatic",
               "sharp", "slight", "steady", "gradual", "interesting", "effective", "main", "key",
               "positive", "negative", "strong", "common", "famous", "popular", "difficult", "easy",
               "beautiful", "wonderful", "terrible", "crucial", "vital", "real", "very"} - {"little"}
SUPERLATIVES = {"best", "worst", "biggest", "largest", "highest", "lowest", "greatest", "smallest",
                "most", "least"}
ABSTRACT_GENERIC = {"life", "society", "nature", "happiness", "poverty", "unemployment",
                    "education", "love", "globalisation", "globalization", "friendship"}
LANGUAGES = {"english", "french", "spanish", "german", "chinese", "japanese", "arabic", "russian",
             "italian", "korean", "vietnamese", "portuguese", "hindi", "mandarin", "thai"}
OBJ_DETS = {"the", "a", "an", "my", "your", "his", "her", "its", "our", "their", "this", "that",
            "these", "those", "it", "them", "him", "me", "us"}

FUNCTION_WORDS = {"if", "in", "on", "of", "and", "or", "it", "is", "as", "at", "an", "a", "each", "every",
                  "all", "any", "other", "our", "one", "after", "until", "unless", "although", "about",
                  "up", "out", "over", "under", "into", "upon", "even", "only", "also", "i", "he", "she",
                  "we", "they", "you", "the", "to", "for", "by", "with"}

# -------------------------------------------------------------- a / an by sound
@functools.lru_cache(maxsize=100_000)
def is_plural_noun(w: str) -> bool:
    if w in {"people", "children", "men", "women", "police", "cattle"}:
        return True
    if w in SINGULAR_S or w in ZERO_PLURAL or "'" in w:
        return False
    t = tags(w)
    return "NNS" in t and "NN" not in t and w.endswith(("s", "men", "ren", "ae", "ia", "ena", "eople"))


@functools.lru_cache(maxsize=100_000)
def is_singular_count(w: str) -> bool:
    if w in ZERO_PLURAL or w in SINGULAR_S or w in UNCOUNTABLE_MASS:
        return False
    t = tags(w)
    if "NN" not in t or w.endswith("s"):
        return False
    plural = lazy_lemminflect().getInflection(w, "NNS")
    return bool(plural) and plural[0] != w


_ADJ_SUFFIX = re.compile(r"(ible|able|al|ous|ive|ic|ful|less|ary|ent|ant|ish|ile|ian|ese|ern)$")


@functools.lru_cache(maxsize=100_000)
def adj_like(w: str) -> bool:
    """lemminflect lists only adjectives that inflect, so add a suffix guess ("responsible")."""
    return "JJ" in tags(w) or bool(_ADJ_SUFFIX.search(w))


@functools.lru_cache(maxsize=100_000)
def nounable(w: str) -> bool:
    t = tags(w)
    return bool(t & {"NN", "NNS", "NNP"})


@functools.lru_cache(maxsize=100_000)
def verb_only(w: str) -> bool:
    t = tags(w)
    return bool(t) and not (t & {"NN", "NNS", "JJ", "JJR", "JJS", "RB"})


@functools.lru_cache(maxsize=100_000)
def base_verb(w: str) -> bool:
    """A base/non-3sg present form that is not also a past form ('go', 'have', 'make')."""
    if w in {"have", "do", "don't", "are", "were", "aren't", "weren't"}:
        return True
    t = tags(w)
    return "VBP" in t and "VBD" not in t and not (t & {"JJ", "RB", "IN"})


@functools.lru_cache(maxsize=100_000)
def vbz(w: str) -> bool:
    if w in {"is", "was", "has", "does", "doesn't", "isn't", "wasn't", "hasn't", "goes"}:
        return True
    t = tags(w)
    return "VBZ" in t and w.endswith("s") and w not in SINGULAR_S


def subject_position(toks, i) -> bool:
    return i == 0 or toks[i - 1].low in CLAUSE_BOUNDARY


def aux_before(toks, i, span=3) -> bool:
    return any(t.low in AUX for t in toks[max(0, i - span):i])


def subjunctive_context(toks, i) -> bool:
    return any(t.low in SUBJUNCTIVE_TRIGGERS for t in toks[max(0, i - 8):i])


def next_word(toks, j):
    return toks[j] if j < len(toks) and is_word(toks[j]) else None


def lazy_lemminflect():
    # Imported on first use, not with the module: the core install (no engines) imports the scorer's
    # modules to name its task types and criteria without scoring anything.
    import lemminflect

    return lemminflect
