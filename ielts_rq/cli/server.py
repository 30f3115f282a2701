"""``ielts-rq redis ...`` and ``ielts-rq worker``: the processes that do the work."""

from __future__ import annotations

import click

from ..logs import setup_logging
from ..policies import QUEUES
from ..queueing import embedded
from ..queueing.connection import redis_url, stop_cleanly_until_running
from ..queueing.worker import RECYCLE_ABOVE_MB, RECYCLE_AFTER_JOBS, run_pool, run_worker
from ..settings import get_settings
from .common import HelpGroup, UsageProblem, json_option, print_json


@click.group(cls=HelpGroup)
def redis():
    """Manage the embedded Valkey server (used when REDIS_URL is not set)."""


def _embedded_home():

    settings = get_settings()
    if settings.redis_url:
        raise UsageProblem("REDIS_URL is set: the embedded server is not in use")
    return settings.home


@redis.command()
def start():
    """Start the embedded server (no-op when it already runs) and print its URL."""

    click.echo(embedded.ensure_running(_embedded_home()))


@redis.command()
def stop():
    """Stop the embedded server; its append-only file keeps every queued job. Any command or worker that
    needs it starts it again: stop the workers first."""

    paths = embedded.paths_for(_embedded_home())
    if not embedded.stop(_embedded_home()):
        click.echo("embedded server was not running")
        return
    again = embedded.server_pid(paths)
    if again is None:
        click.echo("embedded server stopped")
    else:
        click.echo(f"embedded server stopped, and started again since (pid {again}) by a command or worker that "
                   "needed it: stop the workers first")


@redis.command()
@json_option
def status(as_json):
    """Show whether the embedded server runs, where, and how big it is."""

    paths = embedded.paths_for(_embedded_home())
    info = {"running": embedded.is_running(paths), "url": paths.url, "pid": embedded.server_pid(paths),
            "data_dir": str(paths.root)}
    if info["running"]:
        import redis as redis_py

        server = redis_py.Redis.from_url(paths.url).info()
        info.update(version=server.get("valkey_version") or server.get("redis_version"),
                    used_memory=server["used_memory_human"], keys=sum(
                        db["keys"] for name, db in server.items() if name.startswith("db") and isinstance(db, dict)))
    if as_json:
        print_json(info)
    else:
        for name, value in info.items():
            click.echo(f"{name:10} {value}")
    if not info["running"]:
        raise SystemExit(1)


@redis.command()
def url():
    """Print the Redis URL in use, for `rq info --url` or rq-dashboard."""

    click.echo(redis_url())


@click.command()
@click.argument("queues", nargs=-1, type=click.Choice(QUEUES))
@click.option("--burst", is_flag=True, help="Quit when the queues are empty.")
@click.option("--processes", "-n", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes under one supervisor.")
@click.option("--mode", type=click.Choice(["fork", "simple"]), default="fork", show_default=True,
              help="fork: a process per job (isolation, hard timeouts; long native jobs); simple: in-process, warm "
                   "from job to job, each job within its memory limit and timeout (short jobs).")
@click.option("--name", help="Worker name (default: RQ's random name).")
@click.option("--max-jobs", type=click.IntRange(0), default=None,
              help=f"Replace a worker process after this many jobs (0: never; default with --processes and "
                   f"--mode simple: {RECYCLE_AFTER_JOBS}).")
@click.option("--max-memory", type=click.IntRange(0), default=None, metavar="MB",
              help=f"Replace an in-process worker after a job that leaves it over MB of resident memory "
                   f"(0: never; default with --processes: {RECYCLE_ABOVE_MB}). In-process workers only.")
def worker(queues, burst, processes, mode, name, max_jobs, max_memory):
    """Run a worker on QUEUES (default: all five queues, in priority order)."""

    setup_logging()
    stop_cleanly_until_running()  # until RQ's worker or pool puts its own handlers in place
    queues = queues or QUEUES
    recycling = max_jobs is not None or max_memory is not None
    if max_memory is not None and mode != "simple":
        raise UsageProblem("--max-memory is for --mode simple: a forking worker's memory goes with each job's horse")
    # A worker replaced after its jobs needs a supervisor to start its replacement: a pool, of one if need be.
    if processes > 1 or recycling:
        if name:
            raise UsageProblem("--name names one worker; it cannot be used with --processes, --max-jobs or "
                               "--max-memory")
        run_pool(queues, processes=processes, mode=mode, burst=burst, max_jobs=max_jobs, max_memory_mb=max_memory)
        return
    run_worker(queues, mode=mode, burst=burst, name=name)


COMMANDS = [redis, worker]
