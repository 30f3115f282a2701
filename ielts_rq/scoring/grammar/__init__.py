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

``find_errors(text)`` adds what needs a dependency parse (``parsed``:
agreement after a relative clause, a long subject or a quantity with "of",
verb forms after to, modals and prepositions, a missing be or do after a
pronoun, missing articles, number after quantifiers, word class), fixed
patterns (``patterns``: prepositions, over-regular past forms, plurals no
noun makes, its/it's and their/there) and capital letters, each as a
``Finding`` with its kind, offsets and a suggestion.
``CHECKED_KINDS`` are the kinds it can find and ``NOT_CHECKED`` what it does
not look at (``kinds``). Measured on annotated learner essays:
``python bench/grammar_recall.py``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .. import spelling
from ..text import split_sentences
from . import agreement, articles, learner, parsed, patterns, usage, verbs, words
from .kinds import CHECKED_KINDS, NOT_CHECKED, RULE_KINDS, Finding, checked_kinds
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
    kind: str = ""        # a key of CHECKED_KINDS ("agreement")
    suggestion: str = ""  # what to write instead, when one correction is certain


def _lexical(sentence: str) -> list[tuple]:
    """(rule, start, end) of every error the lexical rules find in one sentence."""
    tokens = tokenize(sentence)
    present = {token.low for token in tokens}
    found = []
    for name, rule in RULES.items():
        if name not in TRIGGERS or present & TRIGGERS[name]:
            rule(tokens, found)
    return sorted(found, key=lambda f: (f[1], f[2]))


def check(sentence: str) -> list[GrammarSlip]:
    """Every grammar error the lexical rules find in one sentence, once per stretch of words."""
    slips, seen = [], set()
    for name, start, end in _lexical(sentence):
        if (start, end) not in seen:
            seen.add((start, end))
            slips.append(GrammarSlip(name, sentence[start:end], sentence, RULE_KINDS[name]))
    return slips


def _sentence_spans(text: str) -> list[tuple[int, str]]:
    """Each sentence of the text with its offset (sentences are stripped pieces of the text)."""
    spans, at = [], 0
    for sentence in split_sentences(text):
        start = text.find(sentence, at)
        if start < 0:
            continue
        spans.append((start, sentence))
        at = start + len(sentence)
    return spans


def _capitalised_names(sentence: str) -> list[tuple]:
    """Names and languages in lower case ("english", "saudi arabia"), as the spelling check finds them."""
    found = []
    for slip in spelling.check([sentence]):
        if slip.kind != "capitalisation":
            continue
        for match in re.finditer(rf"(?<![\w-]){re.escape(slip.word)}(?![\w-])", sentence):
            found.append(("lowercase_name", "capitalisation", match.start(), match.end(), slip.correction or ""))
    return found


def find_errors(text: str) -> list[Finding]:
    """Every error found in a text, in order, at most one per stretch of words."""
    spans = _sentence_spans(text)
    docs = parsed.parse([sentence for _, sentence in spans])
    findings = []
    for index, (offset, sentence) in enumerate(spans):
        found = [(name, RULE_KINDS[name], start, end, "") for name, start, end in _lexical(sentence)]
        # The parser's findings first: on a tie they win, as they rest on more context.
        found = (parsed.check(docs[index]) + learner.check(docs[index]) if docs else []) + found
        found += patterns.prepositions(sentence) + patterns.over_regular_past(sentence) + patterns.word_class(sentence)
        found += patterns.there_have(sentence) + patterns.pronouns(sentence) + patterns.wrong_plural(sentence)
        found += patterns.reflexives(sentence)
        found += patterns.capital_letters(sentence, text[max(0, offset - 80):offset]) + _capitalised_names(sentence)
        kept: list[tuple] = []
        # Two rules on the same words: report it once, with the narrower span (the words at fault).
        for rule, kind, start, end, suggestion in sorted(found, key=lambda f: f[3] - f[2]):
            if not any(start < k_end and k_start < end for _, _, k_start, k_end, _ in kept):
                kept.append((rule, kind, start, end, suggestion))
        findings.extend(Finding(kind, offset + start, offset + end, sentence[start:end], suggestion, rule, sentence)
                        for rule, kind, start, end, suggestion in sorted(kept, key=lambda f: f[2]))
    return findings


def analyse_grammar(doc) -> dict:
    """Grammar slips sentence by sentence, every finding with its offsets in ``doc.raw``, and the mechanics.

    ``slips`` holds the grammar errors (not capital letters, which the mechanics count), as before;
    ``findings`` holds everything found, capital letters included; ``checked_kinds`` the kinds the
    checker could look for in this process (feedback says "none found" only for those).
    """
    findings = find_errors(doc.raw)
    slips = [GrammarSlip(f.rule, f.words, f.sentence, f.kind, f.suggestion)
             for f in findings if f.kind != "capitalisation"]
    return {"slips": slips, "findings": findings, "checked_kinds": checked_kinds(parsed.available()),
            **mechanics(doc)}


__all__ = ["CHECKED_KINDS", "NOT_CHECKED", "RULES", "Finding", "GrammarSlip", "analyse_grammar", "check",
           "checked_kinds", "find_errors", "mechanics"]
