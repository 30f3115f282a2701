"""``ielts-rq enqueue JOB ...``: one subcommand per job, all sharing one path to the queue."""

from __future__ import annotations

import json
import math
import shlex
import time
from datetime import datetime, timezone

import click
import redis

from ..clock import utc
from ..errors import PermanentError
from ..ops.registries import error_text, last_line
from ..queueing.enqueue import check_call, enqueue_many
from ..queueing.enqueue import enqueue as put
from ..queueing.priority import NORMAL, PRIORITIES
from .common import HelpGroup, UsageProblem, WorkFailed, json_option, print_json
from .lines import LinesFile

WAIT_POLL = 0.05  # seconds between looks at a job's status with --wait
MAX_DELAY = 366 * 24 * 3600  # seconds: further off than a year is a typo, not a plan
MAX_BULK_JOBS = 100_000  # jobs per --from-file: about 100 MB in Redis; more is a mistake or a flood
RUN_AGAIN = "run the same command again: it queues only the lines not queued yet"


@click.group(cls=HelpGroup)
def enqueue():
    """Put a job on its queue with its policy; print the job id."""


def enqueue_options(command):
    """--in/--at/--wait/--from-file/--json, shared by every enqueue subcommand."""
    options = [
        click.option("--in", "delay", type=click.FloatRange(min=0, max=MAX_DELAY), callback=_finite,
                     metavar="SECONDS", help="Run after this many seconds (at most a year)."),
        click.option("--at", "at", metavar="ISO-TIME", callback=_parse_at,
                     help="Run at this time (ISO 8601; UTC unless it has an offset)."),
        click.option("--after", "after", multiple=True, metavar="JOB_ID",
                     help="Run only once this job has finished (repeat for several); never if it fails."),
        click.option("--priority", type=click.Choice(PRIORITIES), default=NORMAL, show_default=True,
                     help="high: put the job at the front of its queue (at most 100 ahead at a time)."),
        click.option("--wait", is_flag=True, help="Wait for the job and print its result or error."),
        click.option("--wait-timeout", type=click.FloatRange(min=0, max=MAX_DELAY), default=300,
                     show_default=True, callback=_finite, metavar="SECONDS", help="Give up waiting after this long."),
        click.option("--from-file", type=LinesFile(), metavar="FILE|-",
                     help="Enqueue one job per line in bulk (words, or a JSON array/object); running it again "
                          "queues only the lines not queued yet."),
        json_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _finite(ctx, param, value):
    if value is not None and math.isnan(value):  # NaN passes every range check
        raise click.BadParameter("not a number of seconds")
    return value


def _parse_at(ctx, param, value):
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time, e.g. 2026-12-01T08:00:00Z") from None
    when = utc(when)
    if when < datetime.now(timezone.utc):
        click.echo(f"note: {when.isoformat()} is in the past: the job runs now", err=True)
    return when


def run(job_name: str, opts: dict, args: tuple = (), kwargs: dict | None = None, job_id: str | None = None,
        validate=None, show_finished=None) -> None:
    """Enqueue one job (or a file of them) and report as the options ask.

    ``validate(args, kwargs)`` is the command's own check of what was typed; the job's door checks
    (``check_call``) run in ``enqueue()`` itself, for the Python API alike. ``show_finished(as_json)``
    prints what a finished job made, where that is not its return value (a submission's stored result).
    """

    if opts["delay"] is not None and opts["at"] is not None:
        raise UsageProblem("give --in or --at, not both")
    if opts["from_file"] is not None:
        if args or kwargs:
            raise UsageProblem("give arguments or --from-file, not both")
        return _run_bulk(job_name, opts, validate)
    if opts["after"] and (opts["at"] or opts["delay"] is not None):
        raise UsageProblem("--after runs the job when its parents finish: --in and --at do not apply")
    if validate:
        validate(args, kwargs or {})
    job = put(job_name, *args, at=opts["at"], delay=opts["delay"], job_id=job_id,
              depends_on=list(opts["after"]) or None, priority=opts["priority"], **(kwargs or {}))
    if opts["wait"]:
        return _wait(job, opts, show_finished)
    if opts["as_json"]:
        print_json({"job_id": job.id, "queue": job.origin, "status": job.get_status()})
    else:
        click.echo(job.id)


def _run_bulk(job_name, opts, validate) -> None:
    """Check every line, then enqueue them chunk by chunk, each line's job with an id made from the line.

    The file is read twice, a line at a time: a bad line anywhere queues nothing, and memory stays small.
    Running the same file again queues only the lines whose jobs are not there (Redis was full half-way,
    or the command was stopped), so the advice after a failure is simply: run it again.
    """
    if opts["wait"] or opts["at"] or opts["delay"] is not None or opts["after"] or opts["priority"] != NORMAL:
        raise UsageProblem("--from-file enqueues now: --wait, --in, --at, --after and --priority do not apply")
    lines = opts["from_file"]
    total = sum(1 for _ in _calls(job_name, lines, validate, checked=True))
    progress = _Progress(total)
    try:
        with _progressbar(total, job_name) as bar:
            ids = enqueue_many(job_name, progress.follow(_calls(job_name, lines, validate)),
                               on_chunk=progress.chunk_written(bar), resumable=True)
    except redis.exceptions.OutOfMemoryError:  # it refuses a chunk's transaction whole
        raise WorkFailed(f"Redis is full (over its maxmemory): {progress.written()}; nothing else was written. "
                         f"Free memory (failed delete, cleanup jobs) or raise maxmemory, then {RUN_AGAIN}") from None
    except (redis.ConnectionError, redis.TimeoutError) as exc:  # the last chunk may or may not be written
        raise WorkFailed(f"lost Redis ({exc}): {progress.written()}; the next chunk perhaps too. "
                         f"Once it is back, {RUN_AGAIN}") from None
    already = total - len(ids)
    if opts["as_json"]:
        print_json({"enqueued": len(ids), "already_queued": already, "job_ids": ids})
    else:
        click.echo(f"enqueued {len(ids)} jobs" + (f" ({already:,} already queued)" if already else ""))


def _calls(job_name, lines, validate, checked=False):
    """``(number, (args, kwargs))`` for each job line of the file; with ``checked``, each passes the door
    checks."""
    count = 0
    for number, line in lines.numbered():
        if line.strip() and not line.lstrip().startswith("#"):
            count += 1
            if count > MAX_BULK_JOBS:
                raise UsageProblem(f"the file holds more than {MAX_BULK_JOBS:,} jobs; split it into smaller files "
                                   "(nothing was enqueued)")
            yield number, _parse_line(job_name, line, number, validate if checked else None, checked)


class _Progress:
    """Which lines of a file are written, chunk by chunk, for the message when Redis refuses the rest."""

    def __init__(self, total: int):
        self.total, self.line, self.through, self.queued = total, 0, 0, 0

    def follow(self, numbered_calls):
        for number, call in numbered_calls:
            self.line = number
            yield call

    def chunk_written(self, bar):
        def written(calls: int, queued: int) -> None:
            self.through, self.queued = self.line, self.queued + queued  # the chunk ends at the line last read
            bar.update(calls)
        return written

    def written(self) -> str:
        if not self.through:
            return f"none of its {self.total:,} lines is queued"
        return f"lines 1-{self.through:,} of {self.total:,} are queued ({self.queued:,} new jobs)"


def _progressbar(total: int, job_name: str):
    """A progress bar on a terminal; nothing where stderr is a file, so an error stays one line."""
    stream = click.get_text_stream("stderr")
    return click.progressbar(length=total, label=f"enqueueing {job_name}", file=stream, show_pos=True,
                             hidden=not stream.isatty())


def _parse_line(job_name: str, line: str, number: int, validate, checked: bool) -> tuple[list, dict]:
    text = line.strip()
    try:
        if text.startswith("{"):
            args, kwargs = [], json.loads(text)
        elif text.startswith("["):
            args, kwargs = json.loads(text), {}
        elif any(quote in text for quote in "\"'\\"):
            args, kwargs = shlex.split(text), {}
        else:  # plain words, the common case of a file of ids: no need for shlex's slower parsing
            args, kwargs = text.split(), {}
    except ValueError as exc:
        raise UsageProblem(f"line {number}: cannot parse {text[:60]!r}: {exc}") from None
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        raise UsageProblem(f"line {number}: expected words, a JSON array or a JSON object")
    if checked:
        try:
            if validate:
                validate(tuple(args), kwargs)
            check_call(job_name, args, kwargs)
        except UsageProblem as exc:
            raise UsageProblem(f"line {number}: {exc.message}") from None
        except PermanentError as exc:
            raise UsageProblem(f"line {number}: {exc}") from None
    return args, kwargs


def _wait(job, opts, show_finished=None) -> None:
    deadline = time.monotonic() + opts["wait_timeout"]
    status = job.get_status()
    while status not in ("finished", "failed", "stopped", "canceled"):
        if time.monotonic() > deadline:
            raise WorkFailed(f"job {job.id} still {status} after {opts['wait_timeout']:.0f}s")
        time.sleep(WAIT_POLL)
        status = job.get_status()
    if status == "finished" and show_finished:
        return show_finished(opts["as_json"])
    if status == "finished":
        result = job.return_value()
        print_json(result) if opts["as_json"] or not isinstance(result, str) else click.echo(result)
        return
    raise WorkFailed(f"job {job.id} {status}: {last_line(error_text(job)) or 'no error recorded'}")


def no_arguments(job_name: str, help_text: str):
    """A subcommand for a job that takes no arguments."""

    @enqueue_options
    def command(**opts):
        run(job_name, opts)

    command.__doc__ = help_text
    return enqueue.command(job_name.replace("_", "-"))(command)


no_arguments("health_check", "Probe Redis and the configured services now.")
no_arguments("monitor_queue_depth", "Sample queue depths now and alert past thresholds.")


def positive_int(name: str):
    """A validator: the first argument is a positive integer (e.g. a number of days)."""

    def check(args, kwargs):
        value = args[0] if args else kwargs.get(name)
        if value is not None and not (str(value).isdigit() and int(value) > 0):
            raise UsageProblem(f"{name} must be a positive integer, got {value!r}")

    return check


COMMANDS = [enqueue]
