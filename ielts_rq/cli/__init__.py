"""``ielts-rq``: enqueue work, run workers, watch queues and triage failures.

Exit status: 0 on success, 1 when the work failed or what a command names does not exist, 2 on bad usage or
configuration, 3 when a result is not there yet (`result` of a submission not scored yet).
"""

from __future__ import annotations

import click

from ..queueing import connection, embedded
from ..settings import get_settings
from .common import IeltsGroup

# Processes that must ride out a Redis restart; every other command reports an unreachable Redis in seconds.
LONG_RUNNING = {"worker", "scheduler", "dashboard", "up"}


@click.group(cls=IeltsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ielts-rq")
@click.pass_context
def main(ctx):
    """The background-job system of the IELTS practice platform, on RQ and Redis."""
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


def _register() -> None:
    from . import admin, analytics, email, enqueue, files, learners, schedules, scoring, server, web, workers

    for module in (server, enqueue, admin, scoring, email, files, analytics, schedules, web, workers, learners):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
