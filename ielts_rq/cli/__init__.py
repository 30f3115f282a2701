"""``ielts-rq``: enqueue work, run workers, watch queues and triage failures.

Exit status: 0 on success, 1 when the work failed, 2 on bad usage or configuration.
"""

from __future__ import annotations

import click

from ..settings import get_settings
from .common import IeltsGroup


@click.group(cls=IeltsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ielts-rq")
def main():
    """The background-job system of the IELTS practice platform, on RQ and Redis."""
    get_settings()  # a bad variable stops every command here, before any work


def _register() -> None:
    from . import admin, analytics, email, enqueue, files, schedules, scoring, server, web

    for module in (server, enqueue, admin, scoring, email, files, analytics, schedules, web):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
