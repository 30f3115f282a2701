"""The built-in IELTS scorer: pure code, no I/O beyond its own data files.

    from ielts_rq.scoring import score
    result = score("writing_task_2", essay_text, prompt=question)

Writing answers are scored by a model fitted to examiners' overall bands
(``model.json``, written by ``bench/fit_scorer.py``); speaking answers by
heuristics read off the IELTS speaking descriptors (see ``speaking.py``).
"""

from .rules import MAX_TEXT_CHARS, MAX_TEXT_WORDS, TASK_TYPES, ScoringInputError, round_band
from .scorer import SCORER_VERSION, score

__all__ = [
           "MAX_TEXT_CHARS",
           "MAX_TEXT_WORDS",
           "SCORER_VERSION",
           "TASK_TYPES",
           "ScoringInputError",
           "round_band",
           "score",
]
