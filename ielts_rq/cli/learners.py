"""A learner's data: ``ielts-rq learner erase ID`` and ``ielts-rq learner export ID``.

Exit status of ``erase``: 0 when the learner's data was removed (or had been
by an erase within the last day, and nothing was left); 1 when nothing at all
was held about that id, or when something could not be removed (each is named);
2 for an id that is not one (a pattern such as ``*``, an empty id).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..clock import iso
from ..errors import NotFound
from ..ops.learners import erase_learner, export_learner, write_export
from .common import HelpGroup, WorkFailed, json_option, print_json


@click.group(cls=HelpGroup)
def learner():
    """Erase or export everything held about one learner."""


address_option = click.option("--address", "addresses", multiple=True, metavar="EMAIL",
                              help="Another address of the learner's (an earlier one, or when their record is "
                                   "gone); may be repeated. The address in their record is always included.")


@learner.command("erase")
@click.argument("user_id")
@address_option
@json_option
def learner_erase(user_id, addresses, as_json):
    """Remove everything held about learner USER_ID (records, indexes, files, outbox messages, jobs).

    USER_ID is matched exactly, never as a pattern. Safe to run again."""
    outcome = erase_learner(user_id, addresses)
    if as_json:
        print_json(outcome)
    else:
        for kind, count in outcome["removed"].items():
            click.echo(f"removed {count:>6} {kind.replace('_', ' ')}")
        if outcome["running_jobs"]:
            click.echo(f"{outcome['running_jobs']} job(s) of the learner were running: they store nothing of "
                       "theirs from now on")
    for error in outcome["errors"]:
        click.echo(f"error: {error}", err=True)
    if outcome["errors"]:
        raise WorkFailed(f"learner {user_id}: {len(outcome['errors'])} item(s) could not be removed; run the "
                         "erase again once the cause is fixed")
    if outcome["total"]:
        click.echo(f"learner {user_id} erased", err=not as_json)
    elif outcome["erased_before"] and outcome["erased_before"].get("removed"):
        click.echo(f"learner {user_id} was erased at {iso(outcome['erased_before']['at'])}; nothing was left",
                   err=True)
    else:
        raise NotFound(f"no data held about learner {user_id}: nothing was removed (is the id right?)")


@learner.command("export")
@click.argument("user_id")
@click.option("--out", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Write learner.json and the learner's files (under files/) into this folder; without it the "
                   "JSON document is printed and the files are only listed.")
@address_option
def learner_export(user_id, folder, addresses):
    """Everything held about learner USER_ID: one JSON document (and their files, with --out)."""
    if folder is None:
        click.echo(json.dumps(export_learner(user_id, addresses), indent=2, ensure_ascii=False, default=str))
        return
    if (folder / "learner.json").exists():
        raise WorkFailed(f"{folder / 'learner.json'} exists already: choose an empty folder")
    document = write_export(user_id, folder, addresses)
    click.echo(f"wrote {folder / 'learner.json'} and {len(document['files'])} file(s) under {folder / 'files'}")


COMMANDS = [learner]
