"""The built-in IELTS scorer: pure code, no I/O beyond its own data files.

    from ielts_rq.scoring import score
    result = score("writing_task_2", essay_text, prompt=question)

Writing answers are scored by a model fitted to examiners' overall bands
(``model.json``, written by ``bench/fit_scorer.py``); speaking answers by
heuristics read off the IELTS speaking descriptors (see ``speaking.py``).
"""

from .feedback import CRITERION_NAMES, criterion_name
from .rules import MAX_TEXT_CHARS, MAX_TEXT_WORDS, TASK_TYPES, ScoringInputError, round_band
from .samples import SAMPLE_ANSWERS
from .scorer import SCORER_VERSION, score
from .tables import load_all

__all__ = [
    "CRITERION_NAMES",
    "MAX_TEXT_CHARS",
    "MAX_TEXT_WORDS",
    "SCORER_VERSION",
    "TASK_TYPES",
    "ScoringInputError",
    "criterion_name",
    "round_band",
    "score",
    "warm_up",
]


def warm_up() -> None:
    """Load the scorer's data (word lists, spelling index, models) into this process.

    A worker on the scoring queue calls this once before its first job, so forked
    horses inherit the loaded data instead of each loading it again. Scoring a sample
    of each kind of answer imports every module on the way and fills what their
    tables do not hold (spaCy's pipeline, each task's question bank).
    """
    for task_type, prompt, answer in SAMPLE_ANSWERS:
        score(task_type, answer, prompt)
    load_all()
