"""What a newcomer meets first on the command line: exit codes as documented, help that reads whole,
operator-readable start-up lines, and no server left running unannounced."""

import re
import subprocess

import click
import pytest

from ielts_rq import mail, store
from ielts_rq.cli import main

from .conftest import ROOT, cli
from .essays import GOOD_ESSAY, PROMPT


def test_a_report_on_a_learner_nobody_has_heard_of_exits_1(redis_conn):
    result = cli("report", "user", "nobody-by-that-id")
    assert result.returncode == 1
    assert "no learner nobody-by-that-id" in result.stderr and result.stdout == ""


def test_a_report_on_a_learner_with_only_a_submission_still_works(redis_conn):
    store.create_submission("learner-only-submitted", "writing_task_2", GOOD_ESSAY, PROMPT)
    result = cli("report", "user", "learner-only-submitted", "--json")
    assert result.returncode == 0, result.stderr


def test_the_result_of_a_submission_not_scored_yet_exits_3_not_bad_usage(redis_conn):
    submission_id = store.create_submission("learner-n1", "writing_task_2", GOOD_ESSAY, PROMPT)
    result = cli("result", submission_id)
    assert result.returncode == 3
    assert f"not scored yet: ielts-rq enqueue score {submission_id}" in result.stderr
    assert cli("result", "sub_nosuchthing").returncode == 1  # not there at all: as documented, 1


def _groups(command, path=("ielts-rq",)):
    if isinstance(command, click.Group):
        yield path, command
        for name, sub in command.commands.items():
            yield from _groups(sub, (*path, name))


@pytest.mark.parametrize("path", [" ".join(path) for path, _ in _groups(main)])
def test_every_command_list_shows_each_summary_whole(path):
    group = dict((" ".join(p), g) for p, g in _groups(main))[path]
    shown = _flat(cli(*path.split()[1:], "--help").stdout)
    for name, command in group.commands.items():
        first_paragraph = _flat((command.short_help or command.help or "").split("\n\n")[0])
        assert f"{name} {first_paragraph}" in shown, (path, name)


def _flat(text: str) -> str:
    """One line, as wrapping does not matter (a line may also break after a hyphen)."""
    return re.sub(r"-\s+", "-", " ".join(text.split()))


def test_email_preview_help_names_every_template():
    shown = " ".join(cli("email", "preview", "--help").stdout.split())
    assert all(name in shown for name in mail.MESSAGES), shown


@pytest.mark.slow
def test_a_read_only_command_on_a_fresh_home_says_it_started_a_server(tmp_path):
    env = {"IELTS_RQ_HOME": str(tmp_path / "home")}
    try:
        first = cli("status", env=env)
        assert first.returncode == 0, first.stderr
        assert "started the embedded Valkey server" in first.stderr and "ielts-rq redis stop" in first.stderr
        again = cli("status", env=env)
        assert "started the embedded Valkey server" not in again.stderr  # already running: nothing to say
    finally:
        cli("redis", "stop", env=env)


def test_the_scheduler_says_what_it_synced_and_that_it_runs_in_words(redis_conn):
    result = cli("scheduler", "--burst")
    assert result.returncode == 0, result.stderr
    assert "schedule synced: added or updated: cleanup-old-results" in result.stderr
    assert "{" not in result.stderr and "Registering birth" not in result.stderr
    assert "scheduler started pid=" in result.stderr and "scheduler stopped pid=" in result.stderr


def test_a_wheel_built_in_the_checkout_is_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", "ielts_rq-0.1.0-py3-none-any.whl"], cwd=ROOT)
    assert ignored.returncode == 0


@pytest.mark.slow
def test_up_takes_its_port_from_PORT(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("up", env={"PORT": str(port), "IELTS_RQ_HOME": str(tmp_path / "home")}, timeout=60)
    assert result.returncode != 0 and str(port) in result.stderr  # it went for PORT's port, not 9181
    assert "env var: PORT" in cli("up", "--help").stdout
