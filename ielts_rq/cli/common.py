"""What every command shares: error handling, exit codes, ``--json`` output, job lookup."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from ..errors import ConfigError, NotFound, PermanentError
from ..logs import escape_controls
from ..queueing.connection import RedisUnavailable, StoppedWhileStarting, get_connection, redis_url, what_happened
from ..queueing.embedded import EmbeddedServerError
from ..queueing.queues import locate_jobs
from ..settings import hide_password
from .groups import HelpGroup  # noqa: F401  (the commands' modules import it from here)

if TYPE_CHECKING:
    from rich.text import Text


class UsageProblem(click.ClickException):
    """Bad configuration or input: one line on stderr, exit status 2."""

    exit_code = 2


class WorkFailed(click.ClickException):
    """The work itself failed (a job failed, Redis is unreachable): exit status 1."""

    exit_code = 1


@contextmanager
def one_line_errors():
    """ielts-rq's errors, raised by any command, as one-line messages and exit codes."""
    import redis
    from rq.exceptions import StopRequested

    try:
        yield
    except ConfigError as exc:
        raise UsageProblem(f"configuration: {exc}") from None
    except NotFound as exc:  # what the command names does not exist: the work cannot be done
        raise WorkFailed(str(exc)) from None
    except PermanentError as exc:  # ours: a KeyError from a bug keeps its traceback
        raise UsageProblem(str(exc)) from None
    except EmbeddedServerError as exc:  # stalled, or would not start: its log says why
        raise WorkFailed(str(exc)) from None
    except StopRequested:  # told to stop (SIGTERM, Ctrl-C) while waiting for Redis: a clean stop
        pass
    except StoppedWhileStarting:  # told to stop before the loop began: nothing was under way
        click.echo("told to stop while starting: stopped", err=True)
    except RedisUnavailable as exc:  # it names the server (a queue's own, or a sentinel URL) and what it did
        raise WorkFailed(f"cannot reach Redis at {exc.url}: it {exc.reason}; check that the server runs and "
                         "that REDIS_URL names it") from None
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise WorkFailed(f"cannot reach Redis at {hide_password(redis_url())}: it {what_happened(exc)}; check "
                         "that the server runs and that REDIS_URL names it, with the right password and TLS"
                         ) from None
    except redis.exceptions.OutOfMemoryError:
        raise WorkFailed(f"Redis at {hide_password(redis_url())} is full (over its maxmemory) and refuses new "
                         "data: nothing was written. Free memory (ielts-rq failed delete, cleanup jobs) or "
                         "raise maxmemory") from None
    except redis.exceptions.BusyLoadingError:
        raise WorkFailed(f"Redis at {hide_password(redis_url())} is still loading its data after a restart; "
                         "try again in a few seconds") from None


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts) instead of text.")


def print_json(data) -> None:
    click.echo(json.dumps(data, indent=2, default=str, sort_keys=True))


def human(value) -> str:
    """A value as an operator reads it: '-' for nothing, JSON (not Python's repr) for data."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=str, ensure_ascii=False) if value else "-"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    return str(value)


def print_fields(fields: dict) -> None:
    """``name  value`` lines; a long structured value is shown as indented JSON under its name."""
    for name, value in fields.items():
        text = human(value)
        if isinstance(value, (dict, list)) and len(text) > 80:
            click.echo(f"{name}:")
            click.echo("  " + json.dumps(value, default=str, ensure_ascii=False, indent=2).replace("\n", "\n  "))
        else:  # one line each: a newline or a terminal code in a record's text must not forge another field
            click.echo(f"{name:14} {escape_controls(text)}")


def console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 160)


def plain(value) -> "Text":
    """A value as Rich prints it literally: an error's or a subject's ``[red]`` is text, never a style, and a
    terminal code in it is shown escaped (a cell keeps its line breaks)."""
    from rich.text import Text

    return Text("\n".join(escape_controls(line) for line in human(value).split("\n")))


def table(title: str | None, columns: list[str], rows: list[list]) -> None:
    from rich.table import Table

    view = Table(title=plain(title) if title is not None else None, title_justify="left", show_lines=False)
    for column in columns:
        view.add_column(plain(column))
    for row in rows:
        view.add_row(*(plain(cell) for cell in row))
    console().print(view)


def read_lines(source) -> list[str]:
    """The non-empty lines of a text file, stripped; binary data is a usage error."""
    try:
        return [line.strip() for line in source if line.strip()]
    except UnicodeDecodeError:
        raise UsageProblem(f"{source.name} is not UTF-8 text") from None


def read_jsonl(source, what: str) -> list:
    """One JSON value per non-empty line of a file; a bad line is a usage error naming it."""
    items = []
    try:
        numbered = list(enumerate(source, 1))
    except UnicodeDecodeError:
        raise UsageProblem(f"{source.name} is not UTF-8 text") from None
    for number, line in numbered:
        if line.strip():
            try:
                items.append(json.loads(line))
            except ValueError as exc:
                raise UsageProblem(f"line {number}: not JSON: {exc}") from None
    if not items:
        raise UsageProblem(f"the batch file has no {what}")
    return items


def fetch_job(job_id: str):
    """The job with this id, or a one-line 'not found' error."""
    job = locate_jobs([job_id], get_connection())[0]
    if job is None:
        raise NotFound(f"job {job_id} not found")
    return job
