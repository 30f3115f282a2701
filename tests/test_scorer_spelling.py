"""Spelling: British and American English accepted, misspellings caught whatever their case."""

from __future__ import annotations

from pathlib import Path

import pytest

from ielts_rq.scoring import spelling
from ielts_rq.scoring.text import parse

DATA = Path(__file__).parent / "data" / "grammar"
CORRECT_WORDS = [w.strip() for w in (DATA / "correct_words.txt").read_text().splitlines()
                 if w.strip() and not w.startswith("#")]
MISSPELLINGS = [line.split("\t") for line in (DATA / "misspellings.tsv").read_text().splitlines()[1:] if line]


def _slips(text: str) -> list:
    return [(slip.word, slip.kind, slip.correction) for slip in spelling.check(parse(text).sentences)]


@pytest.mark.parametrize("word", ["colour", "favourite", "behaviour", "neighbours", "realise", "organisation",
                                  "recognised", "analyse", "centre", "theatres", "catalogue", "defence",
                                  "licence", "travelled", "travelling", "cancelled", "counsellor", "programme",
                                  "fulfil", "judgement", "ageing", "grey", "tyre", "paediatric", "organize",
                                  "color", "sceptic", "kerb", "half-heartedly"])
def test_british_and_american_spellings_are_accepted(word):
    assert spelling.classify(word) == (None, None)


def test_no_correct_word_of_the_reviewed_list_is_flagged():
    flagged = [w for w in CORRECT_WORDS if spelling.classify(w)[0]]
    assert flagged == []


def test_planted_misspellings_are_caught_with_their_correction():
    missed = [wrong for wrong, _ in MISSPELLINGS if spelling.classify(wrong)[0] != "spelling"]
    corrected = sum(spelling.classify(wrong)[1] == right for wrong, right in MISSPELLINGS)
    assert missed == []
    assert corrected >= 0.9 * len(MISSPELLINGS)


@pytest.mark.parametrize("written", ["goverment", "Goverment", "GOVERMENT"])
def test_case_does_not_hide_a_misspelling(written):
    assert spelling.classify(written) == ("spelling", "government")


def test_a_sentence_in_capitals_is_checked_word_by_word():
    assert _slips("THE GOVERMENT SHOULD RECIEVE MORE MONEY.") == [
        ("GOVERMENT", "spelling", "government"), ("RECIEVE", "spelling", "receive")]


def test_names_acronyms_and_contractions_are_left_alone():
    text = ("In London, Mr Okonkwo said he doesn't agree with the BBC or IELTS, and I'd say the "
            "colour of the centre was grey.")
    assert _slips(text) == []


def test_over_regular_forms_are_errors_not_rare_vocabulary():
    assert spelling.classify("childs") == ("spelling", "children")
    assert spelling.classify("alot") == ("spelling", "a lot")
    assert spelling.classify("dont") == ("spelling", "don't")


def test_a_lower_case_name_is_a_capitalisation_slip():
    assert _slips("I moved to australia last year.") == [("australia", "capitalisation", "Australia")]
