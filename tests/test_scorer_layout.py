"""An answer's line breaks do not change its band: typed, pasted, wrapped, folded or OCR'd."""

import subprocess
import textwrap

import pytest

from ielts_rq.scoring import score
from ielts_rq.scoring.samples import TASK_2_ESSAY, TASK_2_PROMPT
from ielts_rq.scoring.text import normalise

PARAGRAPHS = [p for p in TASK_2_ESSAY.split("\n") if p.strip()]


def _band(text: str) -> dict:
    result = score("writing_task_2", text, TASK_2_PROMPT)
    return {"overall": result["overall_band_score"],
            **{c["criterion"]: c["band_score"] for c in result["criteria_scores"]}}


def _fold(text: str, width: int, *, at_spaces: bool) -> str:
    return subprocess.run(["fold", "-w", str(width), *(["-s"] if at_spaces else [])], input=text,
                          capture_output=True, text=True, check=True).stdout


LAYOUTS = {
    "one paragraph a line": lambda: "\n".join(PARAGRAPHS),
    "blank lines between paragraphs": lambda: "\n\n".join(PARAGRAPHS),
    "Windows line ends": lambda: "\r\n\r\n".join(PARAGRAPHS),
    "wrapped at 72 columns": lambda: "\n".join(textwrap.fill(p, 72) for p in PARAGRAPHS),
    "wrapped at 60, blank lines": lambda: "\n\n".join(textwrap.fill(p, 60) for p in PARAGRAPHS),
    "fold -w 72": lambda: _fold("\n".join(PARAGRAPHS), 72, at_spaces=False),
    "fold -s -w 72": lambda: _fold("\n".join(PARAGRAPHS), 72, at_spaces=True),
    "indented paragraphs, no blank lines": lambda: "\n".join(
        "    " + "\n".join(textwrap.wrap(p, 70)) for p in PARAGRAPHS),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_same_essay_in_any_layout_has_the_same_paragraphs(layout):
    assert normalise(LAYOUTS[layout]()) == "\n\n".join(PARAGRAPHS)


@pytest.mark.parametrize("layout", ["wrapped at 72 columns", "fold -w 72", "fold -s -w 72"])
def test_the_same_essay_in_any_layout_gets_the_same_bands(layout):
    assert _band(LAYOUTS[layout]()) == _band("\n".join(PARAGRAPHS))


def test_a_word_broken_at_a_line_end_is_joined():
    page = "Learning a language early is an advan-\ntage for most children, because young\nlearners copy sounds well."
    assert normalise(page) == ("Learning a language early is an advantage for most children, because young "
                               "learners copy sounds well.")


def test_a_typed_line_break_inside_a_sentence_joins_the_sentence():
    assert normalise("Many people think that\nschools should teach cooking.\nOthers disagree.") == (
        "Many people think that schools should teach cooking.\n\nOthers disagree.")


def test_hard_wrapped_text_does_not_read_as_sentences_starting_in_small_letters():
    wrapped = "\n".join(textwrap.fill(p, 50) for p in PARAGRAPHS)
    analysis = score("writing_task_2", wrapped, TASK_2_PROMPT)["feature_analysis"]
    assert analysis["paragraph_count"] == len(PARAGRAPHS)
    assert analysis["lowercase_sentence_starts"] == 0
