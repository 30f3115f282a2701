"""A log line is one event: text a job carries cannot forge lines or drive the terminal, in either format."""

import json
import logging
import re
import sys

import pytest

from ielts_rq import enqueue
from ielts_rq.logs import JsonLines, OneLine, escape_controls
from ielts_rq.queueing.queues import get_queue

from .conftest import run_worker

# A failing job's message: a forged "job finished" line after a newline, ANSI escapes that erase the line and
# paint it, and every other way a line can end (CR, NEL, the Unicode line and paragraph separators, VT, FF).
FORGED = "job finished health_check 00000000-forged in 0.001s"
HOSTILE = ("disk full\n2026-12-07 11:00:00,000 INFO ielts_rq.worker: " + FORGED
           + "\r\x1b[2K\x1b[31mred\x1b[0m\x85NEL\u2028LS\u2029PS\x0bVT\x0cFF\x1cFS\x00NUL\x9bC1\u202eRLO")
LINE_ENDS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
TEXT_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+: ")


def _hostile_job_and_a_good_one():
    get_queue("health").enqueue_call("tests.fixtures.fails_with", args=(HOSTILE,), description="fails_with")
    enqueue("health_check")


def _no_control_characters(line: str) -> bool:
    return not any(ord(char) < 0x20 or 0x7f <= ord(char) <= 0x9f or char in "\u2028\u2029\u202e" for char in line)


def test_a_job_s_text_cannot_forge_or_colour_text_log_lines(redis_conn):
    _hostile_job_and_a_good_one()
    stderr = run_worker("health", env={"LOG_FORMAT": "text"}).stderr
    lines = stderr.splitlines()  # splits at every line end a viewer honours, U+2028 included
    assert lines and all(TEXT_LINE.match(line) for line in lines), stderr
    assert all(_no_control_characters(line) for line in lines)
    events = [TEXT_LINE.sub("", line) for line in lines]
    assert len([event for event in events if event.startswith("job finished")]) == 1  # the health check's alone
    [failed] = [line for line in lines if "job failed fails_with" in line]
    assert "disk full\\n2026-12-07" in failed and "\\x1b[31mred" in failed and "\\u2028LS" in failed  # kept, inert


def test_a_job_s_text_cannot_forge_json_log_lines(redis_conn):
    _hostile_job_and_a_good_one()
    stderr = run_worker("health", env={"LOG_FORMAT": "json"}).stderr
    lines = stderr.splitlines()
    events = [json.loads(line) for line in lines]  # every line is a whole event
    assert all(_no_control_characters(line) for line in lines)
    assert len([e for e in events if e.get("outcome") == "finished"]) == 1
    [failed] = [e for e in events if e.get("outcome") == "failed"]
    assert HOSTILE in failed["message"]  # the message itself is kept whole


@pytest.mark.parametrize("formatter", [OneLine(), JsonLines()], ids=["text", "json"])
def test_an_exception_s_text_stays_on_its_event_s_line(formatter):
    try:
        raise RuntimeError(HOSTILE)
    except RuntimeError:
        record = logging.LogRecord("ielts_rq.worker", logging.ERROR, __file__, 1, "job failed %s", (HOSTILE,),
                                   sys.exc_info())
    line = formatter.format(record)
    assert len(line.splitlines()) == 1 and _no_control_characters(line)
    assert line.count(FORGED) == 2  # in the message and in the traceback, both inert


def test_escaping_names_each_control_character():
    assert escape_controls("a\nb\rc\td\x1b[0m\x85\u2028\u2029\x7f") == "a\\nb\\rc\\td\\x1b[0m\\x85\\u2028\\u2029\\x7f"
    assert escape_controls("plain text, accents é and emoji 🎉 stay") == "plain text, accents é and emoji 🎉 stay"
    for char in LINE_ENDS:
        assert len(escape_controls(f"a{char}b").splitlines()) == 1
