"""Bad command-line input: exit status 2 and one line saying what was wrong."""

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT, cli, venv_command


@pytest.mark.parametrize("args, message", [
    (["enqueue", "health-check", "--at", "next tuesday"], "not an ISO 8601 time"),
    (["enqueue", "health-check", "--in", "-5"], "--in"),
    (["enqueue", "health-check", "--in", "1e308"], "--in"),
    (["enqueue", "health-check", "--in", "inf"], "--in"),
    (["enqueue", "health-check", "--in", "nan"], "not a number of seconds"),
    (["enqueue", "health-check", "--in", "5", "--at", "2030-01-01T00:00:00"], "not both"),
    (["enqueue", "no-such-job"], "No such command"),
    (["worker", "celery"], "'celery' is not one of"),
    (["worker", "--processes", "0"], "--processes"),
    (["requeue-failed"], "no filter given"),
    (["failed", "delete", "--all"], "--all needs --queue"),
    (["failed", "delete"], "give job ids"),
    (["inspect", "everything"], "'everything' is not one of"),
    (["failed", "list", "--limit", "99999999999999999999"], "--limit"),
])
def test_bad_input_exits_2_with_a_clear_message(server, args, message):
    result = cli(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_from_file_line_names_the_line(server, tmp_path):
    calls = tmp_path / "calls.txt"
    calls.write_text("[]\n[unterminated\n")
    result = cli("enqueue", "health-check", "--from-file", str(calls))
    assert result.returncode == 2
    assert "line 2" in result.stderr


def test_every_command_has_help():
    # The console script itself, then every command and group through Click's own entry in one process
    # (tests/help_walk.py): a start per command would cost a minute and check nothing more.
    top = cli("--help")
    assert top.returncode == 0 and "Usage:" in top.stdout, top.stderr
    walk = subprocess.run([sys.executable, "-m", "tests.help_walk"], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env=os.environ)
    assert walk.returncode == 0, walk.stderr
    commands = json.loads(walk.stdout)
    assert len(commands) > 40, [entry["path"] for entry in commands]  # the walk reached the subcommands
    for entry in commands:
        words = " ".join(["ielts-rq", *entry["path"]])
        assert entry["status"] == 0, f"{words} --help: {entry['crash'] or entry['stderr']}"
        assert "Usage:" in entry["stdout"], words
        assert entry["has_help"], f"{words} has no help text"


def test_procfile_passes_honcho_check():
    result = subprocess.run([venv_command("honcho"), "check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("args, message", [
    (["enqueue", "process-image", "../../etc/passwd"], "invalid storage key '../../etc/passwd'"),
    (["enqueue", "process-audio", "/etc/shadow"], "invalid storage key '/etc/shadow'"),
    (["enqueue", "generic-email", "--to", "a@example.com", "--subject", "S" * 100_000, "--text", "hello"],
     "subject is 100,000 characters; the limit is 200"),
    (["enqueue", "generic-email", "--to", "a@example.com", "--subject", "   ", "--text", "hello"],
     "subject must be non-empty text"),
    (["enqueue", "welcome-email", "--email", "a@example.com", "--name", "N" * 5000],
     "name is 5,000 characters; the limit is 200"),
    (["enqueue", "process-image"], "process_image: missing a required argument: 'file_key'"),
])
def test_what_a_job_would_refuse_is_refused_at_the_door(redis_conn, args, message):
    # The job's own message, before anything is queued: nothing for a worker to fail on later.
    result = cli(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr and result.stderr.strip().count("\n") == 0
    assert redis_conn.keys("rq:job:*") == []


@pytest.mark.slow
def test_a_bulk_file_with_one_bad_line_queues_nothing(redis_conn, tmp_path):
    calls = tmp_path / "keys.txt"
    calls.write_text("uploads/a.png\nuploads/b.png\n../secrets.png\nuploads/c.png\n")
    result = cli("enqueue", "process-image", "--from-file", str(calls))
    assert result.returncode == 2
    assert "line 3: invalid storage key '../secrets.png'" in result.stderr
    assert redis_conn.keys("rq:job:*") == []
    calls.write_text('["uploads/a.png", "en", {"task_type": "speaking_part_1"}]\n')
    result = cli("enqueue", "process-image", "--from-file", str(calls))
    assert result.returncode == 2 and "line 1: create_submission needs a task_type" in result.stderr
    calls.write_text('["uploads/a.png", "en", null, "one too many"]\n')
    result = cli("enqueue", "process-image", "--from-file", str(calls))
    assert result.returncode == 2 and "line 1: process_image: too many positional arguments" in result.stderr


@pytest.mark.slow
def test_submit_changes_only_the_learner_fields_given(redis_conn, tmp_path):
    from ielts_rq import store

    answer = tmp_path / "answer.txt"
    answer.write_text("Some people think that cities are better places to live than villages. " * 5)
    store.save_user("learner-77", email="old@example.com", name="Mina", email_opt_in=False)
    result = cli("submit", str(answer), "--task", "writing_task_2", "--user", "learner-77",
                 "--email", "new@example.com")
    assert result.returncode == 0, result.stderr
    assert store.get_user("learner-77") == {"id": "learner-77", "email": "new@example.com", "name": "Mina",
                                            "email_opt_in": False}
    assert cli("submit", str(answer), "--task", "writing_task_2", "--user", "learner-77",
               "--email-opt-in").returncode == 0
    assert store.get_user("learner-77")["email_opt_in"] is True
    assert store.get_user("learner-77")["email"] == "new@example.com"
    assert cli("submit", str(answer), "--task", "writing_task_2", "--user", "learner-new",
               "--name", "Ola").returncode == 0
    assert store.get_user("learner-new") == {"id": "learner-new", "email": None, "name": "Ola", "email_opt_in": True}


@pytest.mark.slow
def test_a_full_redis_is_one_line_and_nothing_half_written(redis_conn, tmp_path):
    answer = tmp_path / "answer.txt"
    answer.write_text("Cities offer more jobs, but villages offer a calmer life. " * 5)
    before = redis_conn.dbsize()
    redis_conn.config_set("maxmemory", "1")  # over the limit at once: writes are refused
    try:
        results = [cli("enqueue", "health-check"), cli("submit", str(answer), "--task", "writing_task_2"),
                   cli("schedule", "sync")]
    finally:
        redis_conn.config_set("maxmemory", "0")
    for result in results:
        assert result.returncode == 1, result.stderr
        assert result.stderr.strip().count("\n") == 0 and "is full (over its maxmemory)" in result.stderr
    assert redis_conn.dbsize() == before


@pytest.mark.slow
def test_statuses_read_as_words_and_email_commands_take_a_file(redis_conn, tmp_path):
    import json

    queued = json.loads(cli("enqueue", "health-check", "--json").stdout)
    assert queued["status"] == "queued"
    waited = cli("enqueue", "health-check", "--wait", "--wait-timeout", "0.2")
    assert waited.returncode == 1 and "still queued after 0s" in waited.stderr and "JobStatus" not in waited.stderr
    ids = tmp_path / "learners.txt"
    ids.write_text("learner-1\nlearner-2\n")
    result = cli("enqueue", "weekly-report-email", "--from-file", str(ids))
    assert result.returncode == 0 and "enqueued 2 jobs" in result.stdout, result.stderr
    people = tmp_path / "people.txt"
    people.write_text("ann@example.com Ann\nbo@example.com Bo\n")
    assert "enqueued 2 jobs" in cli("enqueue", "welcome-email", "--from-file", str(people)).stdout
    status = cli("status").stdout
    assert "cron scheduler: none running" in status and "no queue locked" not in status


def test_every_command_list_shows_whole_sentences():
    import click
    from click.testing import CliRunner

    from ielts_rq.cli import main

    groups = [[]] + [[name] for name, command in main.commands.items() if isinstance(command, click.Group)]
    for path in groups:
        listing = CliRunner().invoke(main, [*path, "--help"], terminal_width=80).output.split("Commands:\n", 1)[1]
        for description in _descriptions(listing):
            assert description.endswith(".") and not description.endswith("..."), (path, description)


def _descriptions(listing: str) -> list[str]:
    """Each command's description in a Commands section, its wrapped lines joined."""
    entries: list[str] = []
    for line in listing.splitlines():
        if line.startswith("  ") and not line[2].isspace():  # a command's name, then its text
            entries.append(line.split(None, 1)[1] if len(line.split()) > 1 else "")
        elif line.strip() and entries:
            entries[-1] += " " + line.strip()
    return entries


@pytest.mark.slow
def test_upload_refuses_devices_pipes_and_files_too_large(redis_conn, tmp_path):
    import os

    pipe = tmp_path / "answer.fifo"
    os.mkfifo(pipe)  # nothing writes to it: reading it would hang
    huge = tmp_path / "huge.wav"
    with huge.open("wb") as sparse:
        sparse.truncate(129 * 1024 * 1024)  # one MiB over the largest input any job reads
    for path, message in (("/dev/zero", "is not a regular file"), (str(pipe), "is not a regular file"),
                          (str(huge), "the limit is 128 MB")):
        result = cli("upload", path, timeout=30)
        assert result.returncode == 2, (path, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr, result.stderr


@pytest.mark.slow
def test_a_bulk_file_over_the_limit_or_not_text_queues_nothing(redis_conn, tmp_path):
    from ielts_rq.cli.enqueue import MAX_BULK_JOBS

    calls = tmp_path / "calls.txt"
    calls.write_text("[]\n" * (MAX_BULK_JOBS + 1))
    result = cli("enqueue", "health-check", "--from-file", str(calls))
    assert result.returncode == 2 and "more than 100,000 jobs" in result.stderr, result.stderr
    calls.write_bytes(b"learner-1\n\xff\xfe\x00\x89PNG\r\n\x1a\n")
    for args in (["weekly-report-email", "--from-file"], ["score-batch", "--ids-file"]):
        result = cli("enqueue", *args, str(calls))
        assert result.returncode == 2 and "is not UTF-8 text" in result.stderr, result.stderr
    assert redis_conn.keys("rq:job:*") == []


def test_a_stalled_embedded_server_is_one_line_not_a_traceback(tmp_path):
    import os
    import signal
    import tempfile
    from pathlib import Path

    from ielts_rq.queueing import embedded

    home = Path(tempfile.mkdtemp(prefix="irq-stall-", dir="/tmp"))
    embedded.ensure_running(home)
    pid = embedded.server_pid(embedded.paths_for(home))
    os.kill(pid, signal.SIGSTOP)  # alive, holding its socket, answering nothing
    try:
        result = cli("status", env={**os.environ, "IELTS_RQ_HOME": str(home)}, timeout=60)
    finally:
        os.kill(pid, signal.SIGCONT)
        embedded.stop(home)
    assert result.returncode == 1, result.stderr
    assert "is not answering" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_a_bug_keeps_its_traceback():
    # Errors of ours become one line; anything else is a bug, and the operator must see where it is.
    import click
    from click.testing import CliRunner

    from ielts_rq.cli import main

    @main.command("broken-for-test")
    def broken():
        """Fail as a bug would."""
        raise KeyError("no such field")

    try:
        result = CliRunner().invoke(main, ["broken-for-test"])
    finally:
        main.commands.pop("broken-for-test")
    assert isinstance(result.exception, KeyError)
    assert not isinstance(result.exception, click.ClickException)
