"""Grammar errors a rule can find with almost no false alarms, and the mechanics of the text.

``check(sentence)`` runs every rule over one sentence and returns each error
found as a ``GrammarSlip`` with the words it covers. The rules trade recall
for precision: each fires only where the pattern is wrong in (almost) any
context, since a false alarm costs a correct learner a band. Measured on a
corpus of correct sentences with the constructions that trip simpler
checkers ("if it were", "a unanimous", "Should schools ...?") and on planted
learner errors: ``python bench/scorer_trust.py``.

The rules, by family: ``articles`` (a/an, missing and extra articles,
uncountable plurals), ``agreement`` (subject-verb, determiner-noun,
quantities), ``verbs`` (forms after modals, do, have and be), ``usage``
(double comparatives and negatives, pronoun case, word order, doubled words).
"""

from __future__ import annotations

from typing import NamedTuple

from . import agreement, articles, usage, verbs, words
from .mechanics import mechanics
from .words import tokenize

RULES = {
    "article_a_an": articles.r_article_sound,
    "uncountable_plural": articles.r_uncountable_plural,
    "missing_article": articles.r_missing_article,
    "extra_article": articles.r_extra_article,
    "det_number": agreement.r_det_number,
    "number_noun": agreement.r_number_noun,
    "pronoun_agreement": agreement.r_pronoun_agreement,
    "indefinite_agreement": agreement.r_indefinite_pronoun_agreement,
    "question_agreement": agreement.r_question_agreement,
    "noun_agreement": agreement.r_noun_agreement,
    "noun_agreement_across": agreement.r_noun_agreement_across,
    "quantity_agreement": agreement.r_quantity_agreement,
    "modal_form": verbs.r_modal_form,
    "do_form": verbs.r_do_form,
    "perfect_form": verbs.r_perfect_form,
    "be_verb_form": verbs.r_be_verb_form,
    "double_comparative": usage.r_double_comparative,
    "double_negative": usage.r_double_negative,
    "pronoun_case": usage.r_pronoun_case,
    "word_order": usage.r_word_order,
    "verb_preposition": usage.r_preposition,
    "repeated_word": usage.r_repeated_word,
}


# Words without which a rule cannot fire: most sentences skip most of these rules.
TRIGGERS = {
    "article_a_an": {"a", "an"},
    "uncountable_plural": {key.split()[0] for key in words.UNCOUNTABLE_PLURALS},
    "indefinite_agreement": {"everyone", "everybody", "someone", "somebody", "anyone", "anybody", "nobody",
                             "no-one", "each", "everything", "something", "nothing"},
    "question_agreement": {"?"},
    "quantity_agreement": {"number", "one", "there", "there's"},
    "do_form": {"do", "does", "did", "don't", "doesn't", "didn't"},
    "perfect_form": words.PERFECT_AUX,
    "be_verb_form": {"am", "is", "are", "'m", "was", "were", "been"},
    "double_comparative": {"more", "most", "baddest", "worser", "worsest", "gooder", "goodest"},
    "double_negative": words.NEGATORS | {"nobody", "nothing", "no-one"},
    "noun_agreement_across": agreement.SINGULAR_VERBS | agreement.PLURAL_VERBS,
    "verb_preposition": {"discuss", "discussed", "discusses", "discussing", "emphasise", "emphasised", "emphasises",
                         "emphasize", "emphasized", "emphasizes", "emphasising", "emphasizing", "mention",
                         "mentioned", "mentions", "lacks", "lacked", "cope", "return", "returned", "returns"},
}


class GrammarSlip(NamedTuple):
    rule: str       # which rule found it, e.g. "pronoun_agreement"
    words: str      # the words at fault, as written ("He go")
    sentence: str   # the learner's sentence, to quote


def check(sentence: str) -> list[GrammarSlip]:
    """Every grammar error the rules find in one sentence, once per stretch of words."""
    tokens = tokenize(sentence)
    present = {token.low for token in tokens}
    found = []
    for name, rule in RULES.items():
        if name not in TRIGGERS or present & TRIGGERS[name]:
            rule(tokens, found)
    slips, seen = [], set()
    for name, start, end in sorted(found, key=lambda f: (f[1], f[2])):
        if (start, end) not in seen:
            seen.add((start, end))
            slips.append(GrammarSlip(name, sentence[start:end], sentence))
    return slips


def analyse_grammar(doc) -> dict:
    """Grammar slips sentence by sentence, and the text's mechanics."""
    return {"slips": [slip for sentence in doc.sentences for slip in check(sentence)], **mechanics(doc)}


__all__ = ["RULES", "GrammarSlip", "analyse_grammar", "check", "mechanics"]
