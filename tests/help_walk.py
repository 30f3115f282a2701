"""Print, as JSON, what ``ielts-rq ... --help`` gives for every command and group, all in this one process.

Each command is invoked through Click's own entry (``main.main``), as the console script invokes it, so a
command whose help crashes exits non-zero here too; one process instead of one per command keeps the walk
to a single start of the CLI.
"""

from __future__ import annotations

import contextlib
import io
import json
import traceback

import click

from ielts_rq.cli import main


def walk(command: click.Command, path: list[str], ctx: click.Context):
    """Every command under ``command`` with its words, through list_commands/get_command (lazy groups too)."""
    yield path, command
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            yield from walk(sub, [*path, name], click.Context(sub, info_name=name, parent=ctx))


def help_of(path: list[str]) -> dict:
    """The exit status and output of ``ielts-rq PATH --help``, with the traceback of any crash."""
    out, err = io.StringIO(), io.StringIO()
    status, crash = 0, None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main.main([*path, "--help"], prog_name="ielts-rq", standalone_mode=True)
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        except Exception:  # noqa: BLE001 - a crash is what this walk reports
            status, crash = 1, traceback.format_exc()
    return {"status": status, "stdout": out.getvalue(), "stderr": err.getvalue(), "crash": crash}


def report() -> list[dict]:
    root = click.Context(main, info_name="ielts-rq")
    return [{"path": path, "has_help": bool(command.help or command.short_help), **help_of(path)}
            for path, command in walk(main, [], root)]


if __name__ == "__main__":
    print(json.dumps(report()))
