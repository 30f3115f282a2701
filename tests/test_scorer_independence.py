"""Each criterion moves with its own evidence: spelling is Lexical Resource's alone.

Correcting only the spelling of an essay raises Lexical Resource and nothing else; typos leave Task
Response, Coherence and Cohesion and Grammar where they were. The misspellings are ones learners make
and the spelling checker corrects to the word meant.
"""

from __future__ import annotations

import re

import pytest

from ielts_rq.scoring import score
from tests.essays_ladder import BAND_5, BAND_8
from tests.essays_ladder import PROMPT as TRANSPORT
from tests.essays_relevance import HOME_8, HOME_PROMPT, MUSEUM_8, MUSEUM_PROMPT, PLAN_6, PLAN_PROMPT, SCREEN_6, SCREEN_PROMPT

TYPOS = {"people": "peple", "because": "becuase", "their": "thier", "important": "importent", "which": "wich",
         "believe": "belive", "different": "diffrent", "government": "goverment", "environment": "enviroment",
         "should": "shuld", "example": "exemple", "family": "famly", "children": "childen", "would": "woud",
         "opinion": "opinon", "however": "howevr"}
ESSAYS = ((MUSEUM_PROMPT, MUSEUM_8), (HOME_PROMPT, HOME_8), (SCREEN_PROMPT, SCREEN_6), (TRANSPORT, BAND_5),
          (TRANSPORT, BAND_8), (PLAN_PROMPT, PLAN_6))
OTHERS = ("task_response", "coherence_cohesion", "grammatical_range_accuracy")


def misspell(text: str) -> str:
    for right, wrong in TYPOS.items():
        text = re.sub(rf"\b{right}\b", wrong, text)
        text = re.sub(rf"\b{right.capitalize()}\b", wrong.capitalize(), text)
    return text


def _criteria(answer: str, prompt: str) -> dict:
    return {c["criterion"]: c["band_score"] for c in score("writing_task_2", answer, prompt)["criteria_scores"]}


@pytest.mark.parametrize("prompt, essay", ESSAYS, ids=["museum-8", "home-8", "screen-6", "ladder-5", "ladder-8", "plan-6"])
def test_spelling_moves_lexical_resource_only(prompt, essay):
    typed = misspell(essay)
    assert typed != essay
    clean, slipped = _criteria(essay, prompt), _criteria(typed, prompt)
    assert {c: slipped[c] for c in OTHERS} == {c: clean[c] for c in OTHERS}
    assert slipped["lexical_resource"] <= clean["lexical_resource"]
