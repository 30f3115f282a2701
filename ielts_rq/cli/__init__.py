"""``ielts-rq``: enqueue work, run workers, watch queues and triage failures.

Exit status: 0 on success, 1 when the work failed, 2 on bad usage or configuration.
"""

from __future__ import annotations

import click

from ..queueing import connection
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


def _register() -> None:
    from . import admin, analytics, email, enqueue, files, learners, schedules, scoring, server, web

    for module in (server, enqueue, admin, scoring, email, files, analytics, schedules, web, learners):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
