"""Scoring commands: submit an answer, score it, read its result, follow a batch."""

from __future__ import annotations

import click

from .. import store
from ..errors import PermanentError
from ..policies import RESULTS_KEPT_DAYS
from ..scoring import ScoringInputError, criterion_name
from ..scoring import score as score_text
from ..scoring.rules import TASK_TYPES
from .common import HelpGroup, UsageProblem, json_option, print_json, read_lines, table
from .enqueue import enqueue, enqueue_options, positive_int, run
from .lines import LinesFile

task_option = click.option("--task", "task_type", type=click.Choice(TASK_TYPES), required=True,
                           help="The IELTS task the answer is for.")


def prompt_options(command):
    command = click.option("--prompt-file", type=click.File("r"), help="Read the question from a file.")(command)
    return click.option("--prompt", help="The question the learner answered.")(command)


def _prompt(prompt, prompt_file):
    if prompt and prompt_file:
        raise UsageProblem("give --prompt or --prompt-file, not both")
    return prompt_file.read() if prompt_file else prompt


def _answer_text(source) -> str:
    try:
        return source.read()
    except UnicodeDecodeError:
        raise UsageProblem(f"{source.name} is not UTF-8 text") from None


@click.command()
@click.argument("source", type=click.File("r", encoding="utf-8"), metavar="FILE|-")
@task_option
@prompt_options
@click.option("--user", "user_id", help="The learner's id.")
@click.option("--email", help="The learner's email address (stored with --user).")
@click.option("--name", help="The learner's name (stored with --user).")
@click.option("--email-opt-in/--email-opt-out", "email_opt_in", default=None,
              help="Change whether the learner gets email (unchanged when not given).")
def submit(source, task_type, prompt, prompt_file, user_id, email, name, email_opt_in):
    """Store an answer as a submission and print its id (then: ielts-rq enqueue score ID).

    With --user, only the learner's fields given here change; the others are kept.
    """

    if (email or name or email_opt_in is not None) and not user_id:
        raise UsageProblem("--email, --name and --email-opt-in/out are stored for a learner: give --user too")
    if user_id and (email or name or email_opt_in is not None):
        store.update_user(user_id, email=email, name=name, email_opt_in=email_opt_in)
    click.echo(store.create_submission(user_id, task_type, _answer_text(source), _prompt(prompt, prompt_file)))


@click.command()
@click.argument("source", type=click.File("r", encoding="utf-8"), metavar="FILE|-")
@task_option
@prompt_options
@json_option
def score(source, task_type, prompt, prompt_file, as_json):
    """Score an answer here and now with the built-in scorer (no queue, nothing stored)."""

    try:
        response = score_text(task_type, _answer_text(source), _prompt(prompt, prompt_file))
    except ScoringInputError as exc:
        raise UsageProblem(str(exc)) from None
    print_json(response) if as_json else show_result(response)


@click.command()
@click.argument("submission_id")
@json_option
def result(submission_id, as_json):
    """Show a submission's bands per criterion, overall band and feedback."""

    _show_stored_result(submission_id, as_json)


def _show_stored_result(submission_id: str, as_json: bool) -> None:
    """What `result` prints, and `enqueue score --wait` once the job is done: one shape for one result."""
    stored = store.get_result(submission_id)
    if stored is None:
        store.require_submission(submission_id)
        raise NotScoredYet(f"submission {submission_id} is not scored yet: ielts-rq enqueue score {submission_id}")
    print_json(stored) if as_json else show_result(stored)


class NotScoredYet(click.ClickException):
    """The submission exists and has no result yet: exit status 3, so a script can tell it from a failure."""

    exit_code = 3


def show_result(response: dict) -> None:

    table(f"Overall band {response['overall_band_score']} ({response['task_type']}, {response['model_used']})",
          ["criterion", "band", "feedback"],
          [[criterion_name(c["criterion"]), c["band_score"], c["feedback"]] for c in response["criteria_scores"]])
    click.echo(response.get("detailed_feedback", ""))
    for criterion in response["criteria_scores"]:
        for suggestion in criterion.get("suggestions") or []:
            click.echo(f"  - {suggestion}")


@click.group(cls=HelpGroup)
def batch():
    """Follow a batch of jobs."""


@batch.command("status")
@click.argument("batch_id")
@json_option
def batch_status(batch_id, as_json):
    """How many jobs of a batch are queued, started, finished or failed."""

    progress = store.batch_progress(batch_id)
    if as_json:
        print_json(progress)
        return
    failed_items = progress["failed_items"]
    verdict = (" - complete" + (f", {failed_items} item(s) failed" if failed_items else "")) if progress["complete"] else ""
    click.echo(f"batch {progress['id']} ({progress['kind']}): {progress['items_done']}/{progress['items']} "
               f"{ITEM_NAMES.get(progress['kind'], 'items')} done, in {progress['done']}/{progress['total']} "
               f"job(s){verdict}")
    for status, count in sorted(progress["counts"].items()):
        click.echo(f"  {status:10} {count}")
    completion = progress.get("completion")
    if completion:
        click.echo(f"completed {completion['completed_at']}: {completion['done']} done, {completion['failed']} failed "
                   f"(jobs), by its completion job")
    if failed_items:
        click.echo(f"items that failed ({failed_items}; first {len(progress['failed_item_examples'])}):")
        for item, error in progress["failed_item_examples"].items():
            click.echo(f"  {item}  {error}")


ITEM_NAMES = {"scoring": "submissions", "files": "files", "weekly_reports": "reports"}


def _one_id(args, kwargs):

    try:
        store.check_id(args[0] if args else "", "submission")
    except PermanentError as exc:
        raise UsageProblem(str(exc)) from None


def _existing_submission(submission_id, opts) -> None:
    """An unknown submission is refused before a job is made (exit 1); from a file, each job says it alone."""
    if submission_id and opts["from_file"] is None:
        store.require_submission(store.check_id(submission_id, "submission"))


@enqueue.command("score")
@click.argument("submission_id", required=False)
@enqueue_options
def enqueue_score(submission_id, **opts):
    """Score a submission on a worker (one pending job per submission)."""
    _existing_submission(submission_id, opts)
    run("score_submission", opts, (submission_id,) if submission_id else (), validate=_one_id,
        show_finished=lambda as_json: _show_stored_result(submission_id, as_json))


@enqueue.command("score-batch")
@click.argument("submission_ids", nargs=-1)
@click.option("--ids-file", type=LinesFile(), help="Read submission ids from a file, one per line.")
@enqueue_options
def enqueue_score_batch(submission_ids, ids_file, **opts):
    """Score many submissions as one batch (follow it with: ielts-rq batch status JOB_ID)."""
    ids = list(submission_ids) + (read_lines(ids_file) if ids_file else [])
    if not ids:
        raise UsageProblem("give submission ids or --ids-file")
    for sid in ids:
        _one_id((sid,), {})
    run("score_batch", opts, (ids,))


@enqueue.command("feedback")
@click.argument("submission_id", required=False)
@enqueue_options
def enqueue_feedback(submission_id, **opts):
    """Detailed feedback per criterion for a submission."""
    _existing_submission(submission_id, opts)
    run("generate_feedback", opts, (submission_id,) if submission_id else (), validate=_one_id)


@enqueue.command("cleanup-results", help=f"Delete results older than DAYS_OLD days (default {RESULTS_KEPT_DAYS}).")
@click.argument("days_old", type=click.IntRange(min=1), required=False)
@enqueue_options
def enqueue_cleanup_results(days_old, **opts):
    run("cleanup_old_results", opts, (days_old,) if days_old else (), validate=positive_int("days_old"))


COMMANDS = [submit, score, result, batch]
