"""Bad command-line input: exit status 2 and one line saying what was wrong."""

import pytest

from .conftest import ROOT, cli, venv_command


@pytest.mark.parametrize("args, message", [
    (["enqueue", "health-check", "--at", "next tuesday"], "not an ISO 8601 time"),
    (["enqueue", "health-check", "--in", "-5"], "--in"),
    (["enqueue", "health-check", "--in", "5", "--at", "2030-01-01T00:00:00"], "not both"),
    (["enqueue", "no-such-job"], "No such command"),
    (["worker", "celery"], "'celery' is not one of"),
    (["worker", "--processes", "0"], "--processes"),
    (["requeue-failed"], "no filter given"),
    (["failed", "delete", "--all"], "--all needs --queue"),
    (["failed", "delete"], "give job ids"),
    (["job", "show", "no-such-job-id"], "job no-such-job-id not found"),
    (["failed", "show", "no-such-job-id"], "not found"),
    (["inspect", "everything"], "'everything' is not one of"),
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
    from ielts_rq.cli import main

    def walk(command, path):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    for path, command in walk(main, []):
        result = cli(*path, "--help")
        assert result.returncode == 0, path
        assert "Usage:" in result.stdout
        assert command.help or command.short_help, f"{' '.join(path)} has no help text"


def test_procfile_passes_honcho_check():
    import subprocess

    result = subprocess.run([venv_command("honcho"), "check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
