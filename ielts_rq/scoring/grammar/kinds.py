"""The kinds of error the checker finds, what it does not check, and one finding.

Feedback may say "no errors found" only for the kinds in ``CHECKED_KINDS``
(``checked_kinds()`` when the parser may be missing); ``NOT_CHECKED`` names
what no rule looks at, so a learner is not told those parts are right.
"""

from __future__ import annotations

from typing import NamedTuple

# kind -> how a learner would name it
CHECKED_KINDS = {
    "agreement": "subject-verb agreement",
    "verb_form": "the verb form after to, a modal, an auxiliary or a preposition, and a missing 'to' or 'is'",
    "tense": "the form of a tense",
    "article": "articles (a/an/the)",
    "number": "singular and plural nouns (after quantifiers, and plural forms)",
    "word_class": "the word class (noun, adjective, adverb, verb)",
    "preposition": "prepositions in fixed patterns",
    "capitalisation": "capital letters",
    "pronoun": "pronoun case (I/me, they/them), reflexives, who for people, and its/it's, their/there",
    "word_order": "word order",
    "comparison": "comparatives",
    "negation": "double negatives",
    "repeated_word": "words typed twice",
    "run_on": "two sentences joined by a comma alone",
}

# Kinds only the parser finds in most of their forms: without it they are checked in part.
PARSER_KINDS = frozenset({"agreement", "article", "number", "word_class"})

NOT_CHECKED = (
    "the choice of tense (present for past, perfect for simple past)",
    "conditionals and reported speech",
    "missing subjects, verbs or objects (other than 'be' or 'do' after a pronoun and 'to' after a verb that takes it), "
    "and sentence fragments",
    "word choice and collocations",
    "punctuation other than spacing, run-on sentences and commas joining whole sentences",
    "articles before most abstract and uncountable nouns",
)

# Which kind each lexical rule (``grammar.RULES``) belongs to.
RULE_KINDS = {
    "article_a_an": "article", "missing_article": "article", "extra_article": "article",
    "uncountable_plural": "number", "det_number": "number", "number_noun": "number",
    "pronoun_agreement": "agreement", "indefinite_agreement": "agreement", "question_agreement": "agreement",
    "noun_agreement": "agreement", "noun_agreement_across": "agreement", "quantity_agreement": "agreement",
    "modal_form": "verb_form", "do_form": "verb_form", "perfect_form": "tense", "be_verb_form": "tense",
    "double_comparative": "comparison", "double_negative": "negation", "pronoun_case": "pronoun",
    "word_order": "word_order", "verb_preposition": "preposition", "repeated_word": "repeated_word",
}


class Finding(NamedTuple):
    kind: str          # a key of CHECKED_KINDS
    start: int         # character offsets of the words at fault in the text checked
    end: int
    words: str         # the words at fault, as written
    suggestion: str    # what to write instead, or "" when no single correction is certain
    rule: str          # which rule found it
    sentence: str      # the learner's sentence, to quote


def checked_kinds(parser_available: bool = True) -> dict:
    """The kinds that can be reported as free of errors: all of them only when the parser runs."""
    if parser_available:
        return dict(CHECKED_KINDS)
    return {kind: name for kind, name in CHECKED_KINDS.items() if kind not in PARSER_KINDS}
