"""``ielts-rq``: enqueue work, run workers, watch queues and triage failures.

Exit status: 0 on success, 1 when the work failed or what a command names does not exist, 2 on bad usage or
configuration, 3 when a result is not there yet (`result` of a submission not scored yet).

Each command's module is imported when the command runs (``groups.LazyGroup``): the help listing comes from
the table below, so ``ielts-rq --help`` and ``ielts-rq status`` start about as fast as plain ``rq``.
"""

from __future__ import annotations

import click

from .groups import LazyGroup

# Processes that must ride out a Redis restart; every other command reports an unreachable Redis in seconds.
LONG_RUNNING = {"worker", "scheduler", "dashboard", "up"}

# Every command: the module of this package that defines it (in its COMMANDS), with the modules that add
# subcommands to it, and the one-line summary the help listing shows, which is the command's own first
# sentence (tests/test_cli_startup.py holds the table and the commands equal).
COMMANDS = {
    "batch": ("scoring", "Follow a batch of jobs."),
    "check": ("admin", "Probe each part this deployment uses; exit status 1 if one fails."),
    "dashboard": ("web", "Serve the dashboard (rq-dashboard and this system's pages) under gunicorn."),
    "email": ("email", "Look at the email templates."),
    "enqueue": (("enqueue", "scoring", "files", "email", "analytics"),
                "Put a job on its queue with its policy; print the job id."),
    "failed": ("admin", "Triage the failed-job registries."),
    "inspect": ("admin", "What Celery's inspect answered: registered jobs, active jobs, worker stats."),
    "job": ("admin", "Look at one job, find jobs, stop or cancel one."),
    "learner": ("learners", "Erase or export everything held about one learner."),
    "outbox": ("email", "Read the emails the outbox backend has written."),
    "redis": ("server", "Manage the embedded Valkey server (used when REDIS_URL is not set)."),
    "report": ("analytics", "Render a learner's or the platform's analytics (numbers and charts) to HTML."),
    "requeue-failed": ("admin", "Requeue failed jobs chosen by queue, error text or id."),
    "result": ("scoring", "Show a submission's bands per criterion, overall band and feedback."),
    "schedule": ("schedules", "Look at and manage the cron table (all times UTC)."),
    "scheduler": ("schedules", "Register the cron table and run the scheduler (a second one waits rather than "
                               "duplicates)."),
    "score": ("scoring", "Score an answer here and now with the built-in scorer (no queue, nothing stored)."),
    "status": ("admin", "Queues, workers, schedulers and the Redis server in use."),
    "submit": ("scoring", "Store an answer as a submission and print its id (then: ielts-rq enqueue score ID)."),
    "up": ("web", "Everything on a laptop: Valkey, workers, the scheduler and the dashboard; Ctrl-C stops it all."),
    "upload": ("files", "Put a file into storage (local directory or S3) and print its key."),
    "worker": ("server", "Run a worker on QUEUES (default: all five queues, in priority order)."),
    "workers": ("workers", "Suspend and resume the workers or one queue, stop one worker (the state shows in "
                           "`status`)."),
}


class IeltsGroup(LazyGroup):
    """The top group: its commands load when used, and ielts-rq's errors become one-line messages and exit
    codes."""

    def invoke(self, ctx):
        from .common import one_line_errors

        with one_line_errors():
            return super().invoke(ctx)


@click.group(cls=IeltsGroup, lazy_commands=(__name__, COMMANDS),
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ielts-rq")
@click.pass_context
def main(ctx):
    """The background-job system of the IELTS practice platform, on RQ and Redis."""
    from ..queueing import connection, embedded
    from ..settings import get_settings

    settings = get_settings()  # a bad variable stops every command here, before any work
    for warning in settings.warnings:
        click.echo(f"warning: {warning}", err=True)
    if ctx.invoked_subcommand not in LONG_RUNNING:
        connection.impatient()
        embedded.START_LISTENERS.append(_say_server_started)


def _say_server_started(paths) -> None:
    """A one-off command that starts the embedded server leaves it running for the next ones: say so."""
    click.echo(f"note: started the embedded Valkey server in {paths.root}; it keeps running for the next "
               "commands (ielts-rq redis stop stops it)", err=True)
