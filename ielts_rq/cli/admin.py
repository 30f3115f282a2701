"""Operators' commands: status, failed-job triage, requeue, job details, inspect."""

from __future__ import annotations

import time

import click

from ..logs import escape_controls
from ..ops import jobpage, readiness, registries
from ..policies import QUEUES
from ..queueing.connection import get_connection
from ..queueing.queues import get_queue
from ..queueing.records import id_problem, printable
from ..queueing.waiting import LABELS, format_wait
from .common import (HelpGroup, UsageProblem, WorkFailed, console, fetch_job, json_option, plain, print_fields,
                     print_json, table)

queue_option = click.option("--queue", "-q", type=click.Choice(QUEUES), help="Only this queue.")


@click.command()
@json_option
@click.option("--watch", is_flag=True, help="Refresh every 2 seconds until Ctrl-C.")
def status(as_json, watch):
    """Queues, workers, schedulers and the Redis server in use."""
    if as_json:
        print_json(registries.system_status(get_connection()))
        return
    if not watch:
        _print_status(registries.system_status(get_connection()))
        return
    from rich.live import Live

    try:
        with Live(auto_refresh=False) as live:
            while True:
                live.update(_status_view(registries.system_status(get_connection())), refresh=True)
                time.sleep(2)
    except KeyboardInterrupt:  # Ctrl-C is how a watch ends: not a failure
        pass


def _print_status(info: dict) -> None:

    console().print(_status_view(info))


def _status_view(info: dict):
    from rich.console import Group
    from rich.table import Table

    # Names and descriptions come from Redis, written by any client: printed as text, never as Rich markup.
    queues = Table(title=plain(f"Queues on {info['redis']}"), title_justify="left")
    columns = ("queued", "high_priority", "rate_limited", "retrying", "scheduled", "deferred", "started", "finished",
               "failed")
    headers = {"high_priority": "of them ahead", "rate_limited": "rate-limited", "scheduled": "scheduled later",
               "deferred": "after a job"}
    for column in ("queue", *columns, "oldest wait"):
        queues.add_column(headers.get(column, column), justify="left" if column == "queue" else "right")
    for name, counts in info["queues"].items():
        shown = f"{name} (paused)" if name in info.get("paused_queues", ()) else name
        why = info["waiting"][name]  # the scheduled registry split by why its jobs wait
        row = {**counts, **{reason: why[reason] for reason in ("rate_limited", "retrying", "scheduled")}}
        queues.add_row(plain(shown), *(str(row[c]) for c in columns), _wait_text(why))
    suspended = " - SUSPENDED: no job is taken until `ielts-rq workers resume`" if info.get("workers_suspended") else ""
    workers = Table(title=f"Workers ({len(info['workers'])}){suspended}", title_justify="left")
    for column in ("name", "state", "queues", "current job", "pid", "host"):
        workers.add_column(column)
    for w in info["workers"]:
        name = f"{w['name']} (stopping)" if w["name"] in info.get("stopping_workers", ()) else w["name"]
        workers.add_row(*(plain(cell) for cell in (name, w["state"], ",".join(w["queues"]), w["current_job"] or "",
                                                   str(w["pid"]), w["hostname"])))
    # Delayed jobs and retries are moved by every worker; only the cron table needs a scheduler process.
    cron = info["schedulers"]["rq_scheduler"]
    schedulers = plain(f"cron scheduler: {cron} (running)" if cron else
                       "cron scheduler: none running: cron jobs will not be enqueued (start: ielts-rq scheduler)")
    stopping = [plain(f"worker {name} stopping: it exits after its current job")
                for name in info.get("stopping_workers", ())]
    return Group(queues, workers, *stopping, schedulers)


def _wait_text(why: dict) -> str:
    """``6 min (rate-limited)``: the oldest wait since first due, and why that job waits."""
    if not why["oldest_reason"]:
        return ""
    return f"{format_wait(why['oldest_wait'])} ({LABELS[why['oldest_reason']]})"


@click.group(cls=HelpGroup)
def failed():
    """Triage the failed-job registries."""


@failed.command("list")
@queue_option
@click.option("--limit", type=click.IntRange(1, 100_000), default=100, show_default=True,
              help="Show at most this many (newest first).")
@json_option
def failed_list(queue, limit, as_json):
    """Failed jobs, newest first: id, queue, job, when, error."""
    rows = registries.failed_jobs(get_connection(), [queue] if queue else QUEUES, limit)
    if as_json:
        print_json(rows)
        return
    table(f"Failed jobs ({len(rows)})", ["job id", "queue", "job", "failed at", "error"],
          [[_shown_id(r["id"]), r["queue"], r["job"], r["ended_at"], r["error"]] for r in rows])


def _shown_id(job_id: str) -> str:
    """A job id as typed; one RQ refuses (a newline, a control character) quoted and escaped."""
    return printable(job_id, 200) if id_problem(job_id) else job_id


@failed.command("show")
@click.argument("job_id")
@json_option
def failed_show(job_id, as_json):
    """One failed job: function, arguments (secrets masked), error and traceback, times, retries."""
    details = registries.job_details(fetch_job(job_id), traceback=True)
    if as_json:
        print_json(details)
        return
    _print_details(details)


@failed.command("delete")
@click.argument("job_ids", nargs=-1)
@queue_option
@click.option("--all", "delete_all", is_flag=True, help="Every failed job of --queue.")
def failed_delete(job_ids, queue, delete_all):
    """Delete failed jobs by id, or every failed job of one queue with --queue Q --all."""
    if job_ids and delete_all:
        raise UsageProblem("give job ids or --queue Q --all, not both")
    if delete_all and not queue:
        raise UsageProblem("--all needs --queue: deleting every queue's failures at once is not offered")
    if not job_ids and not delete_all:
        raise UsageProblem("give job ids, or --queue Q --all")
    ids = job_ids or get_queue(queue, get_connection()).failed_job_registry.get_job_ids()
    deleted = registries.delete_failed(get_connection(), ids)
    click.echo(f"deleted {deleted} failed job(s)")


@click.command("requeue-failed")
@queue_option
@click.option("--exception", "exception_text", metavar="TEXT", help="Only jobs whose error contains TEXT.")
@click.option("--job-id", "job_ids", multiple=True, metavar="ID", help="Only this job (repeatable).")
@click.option("--all", "requeue_all", is_flag=True, help="Every failed job (needed when no filter is given).")
@click.option("--dry-run", is_flag=True, help="Show what would be requeued; change nothing.")
@json_option
def requeue_failed(queue, exception_text, job_ids, requeue_all, dry_run, as_json):
    """Requeue failed jobs chosen by queue, error text or id."""
    if not (queue or exception_text or job_ids or requeue_all):
        raise UsageProblem("no filter given: use --queue, --exception or --job-id, or --all to requeue every failed job")
    chosen = registries.select_failed(get_connection(), [queue] if queue else QUEUES, exception_text, job_ids)
    requeued = len(chosen) if dry_run else registries.requeue(get_connection(), chosen)
    if as_json:
        print_json({"dry_run": dry_run, "jobs": chosen, "requeued": requeued})
        return
    verb = "would requeue" if dry_run else "requeued"
    for row in chosen:
        click.echo(f"{verb} {_shown_id(row['id'])} {row['queue']} {row['job']}: {row['error']}")
    click.echo(f"{verb} {requeued} job(s)")
    if requeued < len(chosen):
        click.echo(f"{len(chosen) - requeued} left failed: malformed records, or requeued or deleted meanwhile "
                   "(see `failed list`; delete with `failed delete`)")


@click.group(cls=HelpGroup)
def job():
    """Look at one job, find jobs, stop or cancel one."""


@job.command("find")
@click.argument("query")
@json_option
def job_find(query, as_json):
    """Jobs whose id, name, arguments, submission, learner or error matches QUERY (newest first)."""
    from ..ops import search  # it reads the store, and the store the scorer's rules: not for `status`

    rows = search.find_jobs(get_connection(), query)
    if as_json:
        print_json(rows)
    elif rows:
        table(f"{len(rows)} job(s) for {query!r}", ["job id", "job", "queue", "status", "when", "error"],
              [[_shown_id(r["id"]), r["job"], r["queue"], r["status"], r["when"], r["error"]] for r in rows])
    else:
        click.echo(f"no job matches {query!r} (finished jobs are kept a day or more, failed ones two weeks)")


@job.command("stop")
@click.argument("job_id")
def job_stop(job_id):
    """Stop a running job now (its worker kills the job's work horse; the job is marked stopped).

    Says "stopped" only once the job is; exit status 1, with the reason, when it is not.
    """
    try:
        click.echo(registries.stop_job(fetch_job(job_id)))
    except registries.StopNotDone as exc:  # asked for, not done: the work failed, not the input
        raise WorkFailed(str(exc)) from None


@job.command("cancel")
@click.argument("job_id")
def job_cancel(job_id):
    """Cancel a job that waits (queued, scheduled or deferred), so that it never runs."""
    click.echo(registries.cancel_job(fetch_job(job_id)))


@job.command("show")
@click.argument("job_id")
@json_option
def job_show(job_id, as_json):
    """A job's status, arguments (secrets masked), result or error, times, and its timeline."""
    job = fetch_job(job_id)
    details = {**registries.job_details(job, traceback=False), "timeline": jobpage.timeline(job)}
    if as_json:
        print_json(details)
        return
    _print_details(details)


def _print_details(details: dict) -> None:
    print_fields({name: value for name, value in details.items() if name not in ("traceback", "timeline")})
    if details.get("timeline"):
        click.echo("timeline:")
        for event in details["timeline"]:
            line = f"  {event['at'] or '(time unknown)'}  {event['event']}  {event['detail']}"
            click.echo(escape_controls(line.rstrip()))
    if details.get("traceback"):
        click.echo("traceback:")
        for line in details["traceback"].rstrip().splitlines():  # its own lines kept, a terminal code escaped
            click.echo(escape_controls(line))


@click.command()
@click.argument("what", type=click.Choice(["registered", "active", "stats"]))
@json_option
def inspect(what, as_json):
    """What Celery's inspect answered: registered jobs, active jobs, worker stats."""
    data = {"registered": registries.registered, "active": registries.active_jobs, "stats": registries.worker_stats}[what]
    rows = data() if what == "registered" else data(get_connection())
    if as_json or not rows:
        print_json(rows) if as_json else click.echo(f"no {what} jobs" if what != "stats" else "no workers")
        return
    table(None, list(rows[0]), [list(row.values()) for row in rows])


@click.command()
@json_option
def check(as_json):
    """Probe each part this deployment uses; exit status 1 if one fails.

    Redis (reachable, and not set to evict jobs), storage, email, scoring, OCR
    and speech. Nothing is sent or written: safe as a release phase.
    """
    results = readiness.probes()
    if as_json:
        print_json(results)
    else:
        table(None, ["part", "verdict", "backend", "detail"],
              [[r["part"], r["verdict"], r["backend"], r["detail"]] for r in results])
    if any(r["verdict"] == "fail" for r in results):
        raise SystemExit(1)


COMMANDS = [status, check, failed, requeue_failed, job, inspect]
