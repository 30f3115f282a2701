"""``ielts-rq workers``: suspend and resume every worker or one queue, stop one worker after its job."""

from __future__ import annotations

import click

from ..policies import QUEUES
from ..queueing import control
from .common import HelpGroup, WorkFailed

queues_option = click.option("--queue", "-q", "queues", multiple=True, type=click.Choice(QUEUES),
                             help="Only this queue (repeatable); the workers go on with their other queues.")


@click.group(cls=HelpGroup)
def workers():
    """Suspend and resume the workers or one queue, stop one worker (the state shows in `status`)."""


@workers.command()
@queues_option
def suspend(queues):
    """Every worker finishes its current job and takes no other until `workers resume` (RQ's suspension);
    with --queue, no worker takes that queue's jobs (they wait, kept) until `workers resume --queue`."""
    if queues:
        control.pause_queues(queues)
        click.echo(f"paused: {', '.join(queues)} (no worker takes their jobs until `workers resume --queue`)")
        return
    control.suspend_workers()
    click.echo("workers suspended: each finishes its current job, then takes no other until `workers resume`")


@workers.command()
@queues_option
def resume(queues):
    """Let every worker take jobs again; with --queue, resume that paused queue only."""
    if queues:
        control.resume_queues(queues)
        click.echo(f"resumed: {', '.join(queues)}")
    else:
        control.resume_workers()
        click.echo("workers resumed")
    still = control.paused_queues()
    if still:
        click.echo(f"still paused: {', '.join(still)} (resume with `workers resume --queue Q`)")


@workers.command()
@click.argument("name")
def stop(name):
    """Stop worker NAME (see `status`) after its current job; one of a pool's is replaced by its supervisor."""
    if not control.stop_worker(name):
        raise WorkFailed(f"no worker named {name!r} is registered (see `ielts-rq status`)")
    click.echo(f"worker {name} told to stop: it exits after its current job")


COMMANDS = [workers]
