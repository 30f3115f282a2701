"""Fixed patterns found without a parser: prepositions, over-regular past forms, capital letters.

Each entry is a pattern wrong in (nearly) every context, with its correction.
A rule returns ``(rule, kind, start, end, suggestion)`` tuples with offsets in
the sentence.
"""

from __future__ import annotations

import re

_DET = r"(?:the|a|an|my|our|his|her|their|your|this|that|these|those)"

# (pattern, correction); group "bad" is the span at fault when present, else the whole match.
_PREPOSITIONS = [
    (r"\bdepend(?:s|ed|ing)? (?:of|from)\b", "depend on"),
    (r"\binterested (?:on|about|for)\b", "interested in"),
    (r"\b(?:am|is|are|was|were|be|been|not|very|quite|really|always) good in (?:[Ee]nglish|[Mm]aths?|[Mm]athematics|"
     r"[Ss]ports?|[Ss]cience|[Pp]hysics|[Cc]hemistry|[Aa]rt|[Mm]usic|\w+ing)\b", "good at"),
    (r"\barriv(?:e|es|ed|ing) to (?:" + _DET + r"|[A-Z]\w+)\b", "arrive at / arrive in"),
    (r"\bfocus(?:es|ed|ing|sed|sing)? (?:in|to)\b(?! on)", "focus on"),
    (r"\b[Ii]n the other hand\b", "on the other hand"),
    (r"\b[Dd]espite of\b", "despite"),
    (r"\bresponsible of\b", "responsible for"),
    (r"\bfamous of\b", "famous for"),
    (r"\bafraid from\b", "afraid of"),
    (r"\b[Aa]ccording with\b", "according to"),
    (r"\bcapable to\b", "capable of"),
    (r"\baware about\b", "aware of"),
    (r"\b(?:an?|the|negative|positive|big|great|huge|significant|serious|bad|good) (?:impact|effect)s? to\b",
     "an impact on / an effect on"),
    (r"\bparticipat(?:e|es|ed|ing) on\b", "participate in"),
    (r"\bbelieve on\b", "believe in"),
    (r"\brel(?:y|ies|ied|ying) in\b", "rely on"),
    (r"\b(?:pay|pays|paid|paying) attention for\b", "pay attention to"),
    (r"\b[Ii]n the same time\b(?! (?:period|frame|span|zone|slot|as))", "at the same time"),
    (r"\bcontribut(?:e|es|ed|ing) for\b", "contribute to"),
    (r"\blisten(?:s|ed|ing)? (?:music|songs|the radio|podcasts)\b", "listen to"),
    (r"\bconsist(?:s|ed|ing)? from\b", "consist of"),
    (r"\bproud for\b", "proud of"),
    (r"\bsimilar with\b", "similar to"),
    (r"\bdifferent of\b", "different from"),
    # "married with two children" is English: not before a number of children
    (r"\bmarried with\b(?! (?:\d+|one|two|three|four|five|six|no|several|many|(?:a|an|\w+) )?"
     r"(?:child|children|kids?|bab(?:y|ies)|sons?|daughters?|family|grandchildren)\b)"
     r"(?!(?: [\w']+){0,2} (?:blessing|consent|approval|permission)\b)", "married to"),
    (r"\baddicted with\b", "addicted to"),
]
# Possessives and "there" confused: always wrong where they stand.
_PRONOUN_PATTERNS = [
    (re.compile(r"\b([Ii]t's|[Ii]t\u2019s) own\b"), "its own"),
    (re.compile(r"\b([Tt]heir) (?:is|are|was|were)\b(?! (?:own|to|being)\b)"), "there"),
    (re.compile(r"\b([Tt]here) own\b"), "their own"),
    (re.compile(r"\b([Tt]hey're) own\b"), "their own"),
]


# Reflexive pronouns built on the wrong stem or number: never words.
_REFLEXIVES = {"hisself": "himself", "theirselves": "themselves", "theirself": "themselves", "herselves": "herself",
               "himselves": "himself", "themselfs": "themselves", "ourself": "ourselves", "ourselfs": "ourselves",
               "yourselfs": "yourselves", "myselves": "myself", "itselves": "itself", "meself": "myself"}


def reflexives(sentence: str) -> list:
    return [("wrong_reflexive", "pronoun", m.start(), m.end(), _REFLEXIVES[m.group(0).lower()])
            for m in _WORD.finditer(sentence) if m.group(0).lower() in _REFLEXIVES]


def pronouns(sentence: str) -> list:
    return [("pronoun_confusion", "pronoun", m.start(1), m.end(1), fix)
            for pattern, fix in _PRONOUN_PATTERNS for m in pattern.finditer(sentence)]


# "there have many people" (the 'have' of Chinese and Vietnamese 'there is').
_THERE_HAVE = re.compile(r"\b[Tt]here (?:have|has|had)(?= (?:many|much|a lot|lots|some|several|no|a|an|\d))")


def there_have(sentence: str) -> list:
    return [("there_have", "verb_form", m.start(), m.end(), "there are / there is") for m in _THERE_HAVE.finditer(sentence)]


_PREPOSITION_PATTERNS = [(re.compile(p), fix) for p, fix in _PREPOSITIONS]

# Past forms made regular by analogy: always wrong.
OVER_REGULAR_PAST = {
    "buyed": "bought", "teached": "taught", "thinked": "thought", "catched": "caught", "goed": "went",
    "bringed": "brought", "writed": "wrote", "speaked": "spoke", "feeled": "felt", "leaved": "left",
    "maked": "made", "runned": "ran", "sended": "sent", "spended": "spent", "taked": "took", "telled": "told",
    "understanded": "understood", "winned": "won", "knowed": "knew", "growed": "grew", "choosed": "chose",
    "drived": "drove", "eated": "ate", "gived": "gave", "hitted": "hit", "cutted": "cut", "sitted": "sat",
    "standed": "stood", "falled": "fell", "flyed": "flew", "sayed": "said", "finded": "found", "getted": "got",
    "keeped": "kept", "meaned": "meant", "meeted": "met", "selled": "sold", "builded": "built", "losed": "lost",
    "becomed": "became", "beginned": "began", "breaked": "broke", "comed": "came", "drinked": "drank",
    "forgetted": "forgot", "holded": "held", "rided": "rode", "rised": "rose",
    "shaked": "shook", "sleeped": "slept", "stealed": "stole", "swimmed": "swam", "throwed": "threw",
    "weared": "wore", "readed": "read", "hurted": "hurt",
    "feeded": "fed", "fighted": "fought", "freezed": "froze", "hided": "hid", "lended": "lent",
    "shooted": "shot", "spreaded": "spread", "striked": "struck",
}   # not "seed", "singed", "putted", "wined", "leaded": words in their own right
_WORD = re.compile(r"[A-Za-z]+")


def prepositions(sentence: str) -> list:
    found = []
    for pattern, fix in _PREPOSITION_PATTERNS:
        for match in pattern.finditer(sentence):
            found.append(("fixed_preposition", "preposition", match.start(), match.end(), fix))
    return found


def over_regular_past(sentence: str) -> list:
    return [("over_regular_past", "tense", m.start(), m.end(), OVER_REGULAR_PAST[m.group(0).lower()])
            for m in _WORD.finditer(sentence) if m.group(0).lower() in OVER_REGULAR_PAST]


# A verb where the noun belongs ("the develop of", "their believe is"), and back ("can success").
NOUN_OF_VERB = {
    "choose": "choice", "advise": "advice", "succeed": "success", "believe": "belief", "complain": "complaint",
    "describe": "description", "lose": "loss", "prove": "proof", "behave": "behaviour", "die": "death",
    "decide": "decision", "solve": "solution", "achieve": "achievement", "arrive": "arrival",
    "analyse": "analysis", "develop": "development", "improve": "improvement", "pollute": "pollution",
    "educate": "education", "compete": "competition", "perform": "performance", "exist": "existence",
}
VERB_OF_NOUN = {noun: verb for verb, noun in NOUN_OF_VERB.items() if noun not in {"pollution", "education"}}
_POSSESSIVE = r"(?:the|a|an|their|his|her|my|our|its|your)"
_VERB_AS_NOUN = re.compile(rf"\b{_POSSESSIVE} ({'|'.join(NOUN_OF_VERB)})(?= (?:of|is|was|are|were)\b|[.,;])",
                           re.IGNORECASE)
_NOUN_AS_VERB = re.compile(
    rf"\b(?:can|could|will|would|should|must|may|might|(?:want|wants|need|needs|how|able|try|hope) to)"
    rf"(?: not)? ({'|'.join(VERB_OF_NOUN)})\b(?! of\b)", re.IGNORECASE)


def word_class(sentence: str) -> list:
    found = [("verb_for_noun", "word_class", m.start(1), m.end(1), NOUN_OF_VERB[m.group(1).lower()])
             for m in _VERB_AS_NOUN.finditer(sentence)]
    found += [("noun_for_verb", "word_class", m.start(1), m.end(1), VERB_OF_NOUN[m.group(1).lower()])
              for m in _NOUN_AS_VERB.finditer(sentence)]
    return found


_ABBREVIATION_END = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|approx|cf|al|no|mr|mrs|ms|dr|st|p|pp)|\b[A-Za-z])\.$",
                               re.IGNORECASE)
_LOWERCASE_I = re.compile(r"(?<![\w'\u2019(\u200b-\u200d-])i(?![\w)\u200b-\u200d.-])")


def capital_letters(sentence: str, before: str) -> list:
    """A sentence opening with a small letter, and the pronoun 'i'.

    ``before`` is the text before the sentence: after an abbreviation ("e.g. cars") or a quotation
    ("'Why?' many ask") a small letter is right.
    """
    found = []
    first = _WORD.match(sentence)
    before = before.rstrip()
    after_quote = before[-1:] in {'"', "\u201d", "'", "\u2019", ")"}
    if first and sentence[0].islower() and not after_quote and not _ABBREVIATION_END.search(before):
        word = first.group(0)
        found.append(("sentence_capital", "capitalisation", 0, len(word), word[:1].upper() + word[1:]))
    for match in _LOWERCASE_I.finditer(sentence):
        found.append(("pronoun_i", "capitalisation", match.start(), match.end(), "I"))
    return found


# Plurals the dictionary does not know, made by a rule the noun does not follow: "companys", "childrens".
_PLURAL_LIKE = re.compile(r"\b[a-z]+s\b")


# "peoples" is a word (the nations of a region), but not after a quantifier: "many peoples live here".
_PEOPLES = re.compile(r"\b(?:[Mm]any|[Mm]ost|[Ss]ome|[Aa]ll|[Tt]hese|[Tt]hose|lot of|[Ll]ots of|[Oo]ther) (peoples)\b(?! of\b)")


def wrong_plural(sentence: str) -> list:
    from .. import spelling
    from .words import is_plural_noun, lazy_lemminflect, tags

    found = [("wrong_plural", "number", m.start(1), m.end(1), "people") for m in _PEOPLES.finditer(sentence)]
    for match in _PLURAL_LIKE.finditer(sentence):
        word = match.group(0)
        if len(word) < 4 or word.endswith("ss") or spelling.is_spelled_right(word):
            continue
        stem = word[:-1]
        if is_plural_noun(stem):                      # "childrens", "womens", "peoples"
            right = stem
        elif "VB" in tags(stem) or "NN" not in tags(stem):
            continue                                  # "reachs", "studys": a verb's -s form as likely
        else:
            plurals = lazy_lemminflect().getInflection(stem, "NNS")     # "companys", "childs", "boxs"
            right = plurals[0] if plurals and word not in plurals else ""     # not "tracheas", "barbeques"
        if right:
            found.append(("wrong_plural", "number", match.start(), match.end(), right))
    return found
