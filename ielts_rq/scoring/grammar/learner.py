"""Learner errors read off the tags: a verb without its 'to', 'it' without 'is', a subject pronoun as an
object, 'which' for people, an adjective where the adverb belongs, a noun where the adjective belongs,
(the bare countable noun after a verb of having is ``parsed.bare_object``).

Each rule fires only where the slot and the word's own possible forms (``words.tags``) agree that
the form is wrong, and returns ``(rule, kind, start, end, suggestion)`` with offsets in the sentence.
The tags are there for every sentence, parsed or not.
"""

from __future__ import annotations

from .. import spelling
from .words import tags

# Verbs whose next verb takes 'to' and never stands bare after them ("can't afford buy", "want go").
# Not "help" ("help clean") nor "need" ("need not go"), which take a bare form too.
_TO_TAKERS = {
    "want", "wants", "wanted", "decide", "decides", "decided", "hope", "hopes", "hoped", "afford", "plan",
    "plans", "planned", "refuse", "refuses", "refused", "promise", "promises", "promised", "manage", "manages",
    "managed", "agree", "agrees", "agreed", "attempt", "attempts", "attempted", "needs", "expect", "expects",
    "intend", "intends", "intended", "wish", "wishes", "wished", "choose", "chooses", "chose", "tend", "tends",
    "seem", "seems", "seemed", "pretend", "pretended", "fail", "fails", "failed",
}


# Of those, verbs a noun object rarely follows: after them a word that is also a noun is still a bare verb
# ("decided study English", "hope travel"), where "want work" or "afford food" may be a noun.
_NO_NOUN_OBJECT = {"decide", "decides", "decided", "hope", "hopes", "hoped", "tend", "tends", "pretend",
                   "pretended", "intend", "intends", "intended"}
_OBJECT_TAGS = {"DT", "CD", "PRP$", "NNS", "PRP", "NNP"}


def missing_to(doc) -> list:
    """'can't afford buy', 'I want go', 'they decided close': a bare verb right after a verb that takes 'to'."""
    found = []
    for token in doc[:-1]:
        if token.lower_ not in _TO_TAKERS or not token.tag_.startswith("VB"):
            continue
        verb = doc[token.i + 1]
        after = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
        forms = tags(verb.lower_)
        if not verb.text.islower() or "VB" not in forms or forms & {"VBD", "IN"}:
            continue
        # "become", "come", "run": the participle is the bare form, and no participle follows "want" bare
        tag = "VB" if verb.tag_ == "VBN" and "VBN" in forms else verb.tag_
        if "VBN" in forms and tag != "VB":
            continue
        if tag == "VB" and not forms & {"JJ", "RB"} and not (forms & {"NN", "NNS"} and verb.dep_ in {"dobj", "attr"}):
            bare = True      # the tagger and the word's forms agree, and it cannot be the object noun
        else:
            bare = token.lower_ in _NO_NOUN_OBJECT and tag in {"VB", "VBP", "NN", "JJ"} and (
                not forms & {"JJ", "RB"} or (after is not None and after.tag_ in _OBJECT_TAGS))
        if bare and not (after is not None and (after.tag_ == "POS" or after.lower_ in {"of", "'s"})):
            found.append(("missing_to", "verb_form", verb.idx, verb.idx + len(verb.text), f"to {verb.text}"))
    return found


_CLAUSE_OPENERS = {",", ";", ":", "and", "but", "so", "because", "that", "when", "if", "while", "although",
                   "though", "since", "where", "whereas", "until", "unless"}
_ONLY_ADJECTIVE_DEGREE = {"very", "extremely", "incredibly", "terribly"}


def missing_is(doc) -> list:
    """'It very important to', 'this very difficult': 'it' or 'this' opening a clause, a degree word, an adjective."""
    found = []
    for token in doc[:-2]:
        if token.lower_ not in {"it", "this", "that"} or not (token.i == 0 or doc[token.i - 1].lower_ in _CLAUSE_OPENERS):
            continue
        degree, adjective = doc[token.i + 1], doc[token.i + 2]
        forms = tags(adjective.lower_)
        after = doc[adjective.i + 1] if adjective.i + 1 < len(doc) else None
        if after is not None and after.tag_ in {"NN", "NNS", "NNP", "JJ"}:
            continue     # "this very important point": the adjective describes a noun
        if degree.lower_ in _ONLY_ADJECTIVE_DEGREE and "JJ" in forms and adjective.tag_ == "JJ" \
                and not forms & {"VB", "VBP", "VBZ", "VBD", "NN", "NNS"}:
            found.append(("missing_be", "verb_form", token.idx, adjective.idx + len(adjective.text),
                          f"{token.text} is {degree.text} {adjective.text}"))
    return found


_OBJECT = {"they": "them", "we": "us", "he": "him", "she": "her", "i": "me"}
# Verbs whose next word is their object, never the subject of a clause: "help they find" is "help them find".
_OBJECT_ONLY_VERBS = {
    "help", "helps", "helped", "let", "lets", "give", "gives", "gave", "support", "supports", "supported",
    "teach", "teaches", "taught", "encourage", "encourages", "encouraged", "allow", "allows", "allowed",
    "invite", "invites", "invited", "force", "forces", "forced", "protect", "protects", "protected",
    "send", "sends", "sent", "thank", "thanks", "thanked", "punish", "punished", "motivate", "motivates",
}


def subject_pronoun_as_object(doc) -> list:
    """'the government must help they', 'the teacher gave we homework': a subject pronoun as an object."""
    found = []
    for token in doc[1:]:
        before = doc[token.i - 1]
        if token.lower_ in _OBJECT and before.lower_ in _OBJECT_ONLY_VERBS and before.tag_.startswith("VB") \
                and (token.lower_ != "i" or token.text == "I"):
            found.append(("pronoun_case", "pronoun", token.idx, token.idx + len(token.text), _OBJECT[token.lower_]))
    return found


_PEOPLE_NOUNS = {
    "people", "person", "students", "student", "children", "child", "workers", "worker", "teachers", "teacher",
    "parents", "men", "women", "man", "woman", "citizens", "employees", "tourists", "friends", "adults",
    "teenagers", "those", "individuals", "individual", "residents", "doctors", "patients", "customers",
    "youngsters", "kids", "pupils", "learners", "graduates", "drivers", "farmers", "immigrants",
}
_PLURAL_PEOPLE = {"people", "children", "men", "women"}


def which_for_people(doc) -> list:
    """'people which live', 'students which study': 'which' as the subject of a clause about people."""
    found = []
    for token in doc[1:-1]:
        if token.lower_ != "which":
            continue
        noun, verb = doc[token.i - 1], doc[token.i + 1]
        if noun.lower_ not in _PEOPLE_NOUNS:
            continue
        # the verb agrees with the people ("children which is taught" is about something else), and the
        # people are not inside a phrase that may be what 'which' means ("recruitment of workers which")
        plural = noun.lower_ in _PLURAL_PEOPLE or noun.tag_ == "NNS"
        agrees = verb.tag_ == "VBD" or verb.tag_ == ("VBP" if plural else "VBZ")
        inside_phrase = any(t.tag_ in {"IN", "TO"} or t.lower_ in {"of", "with"} for t in doc[max(0, noun.i - 3):noun.i])
        if agrees and not inside_phrase:
            found.append(("which_for_people", "pronoun", token.idx, token.idx + len(token.text), "who"))
    return found


# Verbs an adverb of manner follows and an adjective does not: "live happy", "drove careless".
# Not linking verbs (be, seem, feel, look, grow, stay) nor those a describing adjective follows ("die young").
_MANNER_VERBS = {
    "live", "lives", "lived", "living", "speak", "speaks", "spoke", "drive", "drives", "drove",
    "driving", "listen", "listens", "listened", "listening", "behave", "behaves", "behaved", "behaving",
    "react", "reacts", "reacted", "respond", "responds", "responded", "walk", "walks", "walked", "talk",
    "talks", "talked", "sleep", "sleeps", "slept", "work", "works", "worked", "working", "develop",
    "develops", "developed", "grew", "perform", "performs", "performed", "study", "studies", "studied",
    "answer", "answered", "write", "writes", "wrote", "explain", "explained", "treat", "treated",
}
# Adjectives that are adverbs too in the dictionary, but not after these verbs: "spoke quick", "works good".
_ADVERB_OF = {"quick": "quickly", "good": "well", "bad": "badly"}
_DEGREE = {"very", "so", "too", "quite", "really", "extremely", "rather", "fairly", "more", "most", "less"}


def _adverb_of(adjective: str) -> str | None:
    """The -ly adverb of an adjective when the dictionary knows it ("careful" -> "carefully")."""
    if adjective.endswith("ic"):
        candidate = adjective + "ally"
    elif adjective.endswith("le"):
        candidate = adjective[:-1] + "y"
    elif adjective.endswith("y"):
        candidate = adjective[:-1] + "ily"
    else:
        candidate = adjective + "ly"
    return candidate if spelling.is_spelled_right(candidate) else None


def adjective_for_adverb(doc) -> list:
    """'they live happy', 'she spoke very quick': an adjective after a verb of doing, at a clause's end."""
    found = []
    for token in doc[:-1]:
        if token.lower_ not in _MANNER_VERBS or not token.tag_.startswith("VB"):
            continue
        at = token.i + 1
        if doc[at].lower_ in _DEGREE and at + 1 < len(doc):
            at += 1
        word = doc[at]
        after = doc[at + 1] if at + 1 < len(doc) else None
        forms = tags(word.lower_)
        if not (forms == frozenset({"JJ"}) or word.lower_ in _ADVERB_OF) or word.tag_ not in {"JJ", "RB"} \
                or not word.text.islower():
            continue
        # the adjective ends the clause: not "live happy lives", "work long hours"
        if after is not None and not (after.tag_ in {".", ",", ":", "CC", "IN", "TO"} or after.lower_ in {
                "and", "but", "without", "in", "at", "during", "because", "when", "while"}):
            continue
        if after is not None and (after.lower_ in {"than", "as", "enough"} or after.lower_ == "to" and at + 2 < len(doc)
                                  and doc[at + 2].tag_ == "VB"):
            continue     # "happy to help": an adjective with its infinitive
        adverb = _ADVERB_OF.get(word.lower_) or _adverb_of(word.lower_)
        if adverb:
            found.append(("adjective_for_adverb", "word_class", word.idx, word.idx + len(word.text), adverb))
    return found


# A noun used where its adjective belongs before another noun: "a success person", "economy growth".
# Only pairs that are not compounds in their own right ("success story", "economy class", "health care").
_NOUN_AS_ADJECTIVE = {"success": "successful", "danger": "dangerous", "beauty": "beautiful",
                      "wealth": "wealthy", "luck": "lucky", "violence": "violent", "economy": "economic",
                      "finance": "financial", "difference": "different", "importance": "important",
                      "confidence": "confident", "creativity": "creative", "comfort": "comfortable"}
_HEADS = _PEOPLE_NOUNS | {
    "adults", "businessman", "businesswoman", "businessmen", "lawyer", "lawyers", "career", "place", "places",
    "situation", "situations", "road", "roads", "life", "lives", "city", "cities", "country", "countries",
    "effect", "effects", "job", "jobs", "animals", "activity", "activities", "sport", "sports", "growth",
    "development", "problems", "problem", "crisis", "difficulties", "issues", "policy", "policies",
    "pressure", "burden", "support", "benefits", "power", "reasons", "ways", "kinds", "types", "house", "houses",
}
# Compounds that are English: "economy class", "finance minister", "danger zone" (heads kept out of _HEADS),
# and these few where both words are in the tables.
_REAL_COMPOUNDS = {("finance", "support"), ("comfort", "zone"), ("beauty", "products"), ("economy", "class")}


def noun_for_adjective(doc) -> list:
    found = []
    for token in doc[:-1]:
        low, head = token.lower_, doc[token.i + 1]
        if low not in _NOUN_AS_ADJECTIVE or head.lower_ not in _HEADS or (low, head.lower_) in _REAL_COMPOUNDS:
            continue
        if token.tag_ not in {"NN", "JJ"} or head.tag_ not in {"NN", "NNS"} or token.i + 2 < len(doc) and \
                doc[token.i + 2].tag_ in {"NN", "NNS"}:
            continue     # "the success rate problem": a longer compound
        before = doc[token.i - 1] if token.i else None
        if before is not None and (before.tag_ == "POS" or before.lower_ in {"of", "'s"}):
            continue     # "the importance of", "the country's economy"
        found.append(("noun_for_adjective", "word_class", token.idx, token.idx + len(token.text),
                      _NOUN_AS_ADJECTIVE[low]))
    return found


# Words that make the clause before a comma dependent ("If it rains, we stay"), or an aside ("As I said, it").
_SUBORDINATORS = {"if", "when", "whenever", "because", "although", "though", "while", "as", "since", "after",
                  "before", "unless", "whereas", "once", "until", "whether", "even", "not", "only",
                  "the", "than", "so", "such", "what", "whatever", "however", "wherever", "where", "who",
                  "which", "that", "yes", "no", "well", "oh", "say", "says", "said", "asked", "realised", "realized"}
_SPLICE_SUBJECTS = {"it", "they", "he", "she", "we", "i", "you", "this", "there"}
_FINITE = {"VBZ", "VBP", "VBD", "MD"}
_ASIDE_VERBS = {"think", "believe", "guess", "suppose", "feel", "hope", "mean", "know", "say", "agree", "admit",
                "think,", "see", "hear", "understand", "imagine"}


def comma_splice(doc) -> list:
    """'I like London, it is a big city': two whole sentences joined by a comma alone."""
    found = []
    for comma in doc[3:-2]:
        if comma.text != ",":
            continue
        subject, verb = doc[comma.i + 1], doc[comma.i + 2]
        if subject.lower_ not in _SPLICE_SUBJECTS or verb.tag_ not in _FINITE:
            continue
        if subject.lower_ == "there" and verb.lower_ not in {"is", "are", "was", "were"}:
            continue
        before = doc[:comma.i]
        # the clause before is whole: a subject, a finite verb, no word that makes it dependent or an aside,
        # no other comma (a list, an opening phrase) and no quotation
        if any(t.lower_ in _SUBORDINATORS or t.text in {",", ";", ":", '"', "\u201c", "\u201d", "(", "-"}
               or t.tag_ in {"WDT", "WP", "WRB", "CC"} for t in before):
            continue
        if not spelling.is_spelled_right(before[0].text) and not spelling.is_spelled_right(before[0].lower_):
            continue     # a misspelt opener may be a subordinator ("Althouth")
        if before[0].tag_ in {"IN", "TO", "VBG", "VBN", "RB"}:
            continue     # an opening phrase ("With these advantages stated, they ...", "Like I said, it ...")
        if not any(t.tag_ in _FINITE for t in before) or not any(t.tag_ in {"PRP", "NN", "NNS", "NNP"} for t in before):
            continue
        rest = doc[comma.i + 3:]
        if verb.lower_ in _ASIDE_VERBS and (not rest or rest[0].text in {",", "."}):
            continue     # "It is true, I think."
        if any(t.text == "," for t in rest[:2]):
            continue     # "..., it seems, ..." an aside
        last = doc[comma.i - 1]     # quote the words either side: "city, it" -> "city. It"
        found.append(("comma_splice", "run_on", last.idx, subject.idx + len(subject.text),
                      f"{last.text}. {subject.text[:1].upper()}{subject.text[1:]}"))
    return found


def check(doc) -> list:
    found = []
    for rule in (missing_to, missing_is, subject_pronoun_as_object, which_for_people, adjective_for_adverb,
                 noun_for_adjective, comma_splice):
        found.extend(rule(doc))
    return found
