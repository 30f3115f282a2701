"""Mechanics: capital letters, punctuation and sentence length, and the range of clauses.

Each check is a narrow pattern; together they give the punctuation and
capitalisation evidence the grammar band uses, with examples to quote.
"""

from __future__ import annotations

import re

from ..lexicon import SUBORDINATORS

_LOWERCASE_I = re.compile(r"(?<![A-Za-z'])i(?=\s|'m|'ve|'d|'ll)")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"[A-Za-z]\s+[,.;:!?](?!\d)")
# A comma or full stop directly followed by a letter ("cars,buses"), except
# abbreviations such as "e.g." and "U.K." where single letters surround the dot.
_NO_SPACE_AFTER_PUNCTUATION = re.compile(r"[A-Za-z]{2}[,;.][A-Za-z]{2}")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*$")

# A sentence this long without commas is a run-on: examiners penalise it
# under both Coherence and Grammar.
RUN_ON_WORDS = 40
RUN_ON_MAX_COMMAS = 1
RUN_ON_ANY_WORDS = 60


def mechanics(doc) -> dict:
    """Capitalisation and punctuation slips, run-on sentences and complex sentences of a document."""
    text = doc.raw
    lowercase_starts = [s for s in doc.sentences if s[0].isalpha() and s[0].islower()]
    run_ons = [s for s, n in zip(doc.sentences, doc.sentence_words)
               if n >= RUN_ON_ANY_WORDS or (n >= RUN_ON_WORDS and s.count(",") <= RUN_ON_MAX_COMMAS)]
    # A paragraph whose last sentence has no full stop, question or exclamation mark.
    unpunctuated = [p for p in doc.paragraphs if len(p.split()) >= 8 and not _SENTENCE_END.search(p.rstrip())]
    return {
        "lowercase_i": len(_LOWERCASE_I.findall(text)),
        "lowercase_sentence_starts": len(lowercase_starts),
        "lowercase_start_example": lowercase_starts[0] if lowercase_starts else None,
        "run_on_sentences": run_ons,
        "unpunctuated_paragraphs": unpunctuated,
        "punctuation_spacing": (len(_SPACE_BEFORE_PUNCTUATION.findall(text))
                                + len(_NO_SPACE_AFTER_PUNCTUATION.findall(text))),
        "complex_sentences": sum(1 for s in doc.sentences if _has_subordinate_clause(s)),
    }


def _has_subordinate_clause(sentence: str) -> bool:
    return any(w.lower() in SUBORDINATORS for w in sentence.split()) or ", which" in sentence
