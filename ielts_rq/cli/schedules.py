"""The cron scheduler and its table: ``ielts-rq scheduler`` and ``ielts-rq schedule ...``."""

from __future__ import annotations

import logging
import os

import click

from ..logs import setup_logging
from ..queueing.connection import get_connection, stop_cleanly_until_running, wait_for_redis
from ..queueing.enqueue import enqueue
from ..queueing.schedule import CronScheduler, clear, entries, entry_named, last_runs, pause, resume, sync
from .common import HelpGroup, json_option, print_json, table

log = logging.getLogger("ielts_rq.scheduler")


@click.command()
@click.option("--interval", type=click.IntRange(1, 3600), default=5, show_default=True,
              help="Seconds between looks at the schedule.")
@click.option("--burst", is_flag=True, help="Enqueue what is due once, then quit.")
def scheduler(interval, burst):
    """Register the cron table and run the scheduler (a second one waits rather than duplicates)."""

    setup_logging()
    stop_cleanly_until_running()  # until rq-scheduler's run() puts its own handlers in place
    wait_for_redis()  # a Redis down or hung is waited for, as by workers
    changes = sync(get_connection())
    click.echo(f"schedule synced: {_changes(changes)}", err=True)
    log.info("scheduler started pid=%d, looking at the schedule every %d s", os.getpid(), interval)
    try:
        _Scheduler(connection=get_connection(), interval=interval).run(burst=burst)
    finally:
        log.info("scheduler stopped pid=%d", os.getpid())


class _Scheduler(CronScheduler):
    """The cron scheduler, which also watches for incidents while no worker can: workers suspended or the
    health queue paused (``watch_held_queues``)."""

    def enqueue_jobs(self):
        from ..jobs.health import watch_held_queues  # the scheduler's alone: other commands start without it

        jobs = super().enqueue_jobs()
        try:
            watch_held_queues()
        except Exception as exc:  # the schedule goes on whatever the watch meets
            log.error("incident watch failed: %s: %s", type(exc).__name__, exc)
        return jobs


@click.group(cls=HelpGroup)
def schedule():
    """Look at and manage the cron table (all times UTC)."""


@schedule.command("list")
@json_option
def schedule_list(as_json):
    """Each entry: cron line, next run in UTC, last run and its outcome."""

    rows = entries(get_connection())
    if as_json:
        print_json(rows)
        return
    table("Schedule (UTC)", ["name", "cron", "job", "queue", "next run", "last run", "outcome"],
          [[r["name"] + (" (paused)" if r["paused"] else ""), r["cron"], r["job"], r["queue"],
            r["next_run"] + ("" if r["registered"] else " (not synced)"), r["last_run"] or "never",
            r["last_outcome"] or ""] for r in rows])


@schedule.command("sync")
def schedule_sync():
    """Register the table in Redis: add and update entries, remove those no longer in it."""

    click.echo(_changes(sync(get_connection())))


def _changes(changes: dict) -> str:
    return (f"added or updated: {', '.join(changes['added_or_updated']) or 'none'}; "
            f"removed: {', '.join(changes['removed']) or 'none'}")


@schedule.command("clear")
def schedule_clear():
    """Remove every entry of the table from Redis (the scheduler re-adds them when it starts)."""

    click.echo(f"removed {clear(get_connection())} entries")


@schedule.command("run")
@click.argument("name")
def schedule_run(name):
    """Enqueue one entry's job now."""

    entry = entry_named(name)  # unknown: a one-line usage error (the table is fixed)
    click.echo(enqueue(entry.job, *entry.args).id)


@schedule.command("pause")
@click.argument("name")
def schedule_pause(name):
    """Skip an entry's ticks until it is resumed (each skip is kept in its run history)."""
    pause(get_connection(), name)
    click.echo(f"{name} paused: its ticks are skipped until `ielts-rq schedule resume {name}`")


@schedule.command("resume")
@click.argument("name")
def schedule_resume(name):
    """Run an entry's ticks again."""
    resume(get_connection(), name)
    click.echo(f"{name} resumed")


@schedule.command("history")
@click.argument("name")
@click.option("--limit", type=click.IntRange(1, 50), default=20, show_default=True)
@json_option
def schedule_history(name, limit, as_json):
    """An entry's last runs: each tick, and whether it was enqueued or skipped and why."""
    runs = last_runs(get_connection(), entry_named(name).name, limit)
    if as_json:
        print_json(runs)
        return
    table(f"{name}: last {len(runs)} tick(s), newest first", ["tick (UTC)", "what happened"],
          [[run["tick"], run.get("skipped") and f"skipped: {run['skipped']}" or "enqueued"] for run in runs])


COMMANDS = [scheduler, schedule]
