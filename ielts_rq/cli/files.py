"""File commands: put a file into storage, and the file-processing jobs."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path

import click

from ..policies import TEMP_FILES_KEPT_HOURS
from ..storage import MAX_OBJECT_BYTES, check_size, get_storage, validate_key
from .common import UsageProblem, read_jsonl
from .enqueue import enqueue, enqueue_options, positive_int, run
from .lines import LinesFile


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--key", help="Storage key (default: uploads/DATE/RANDOM.EXT).")
def upload(path, key):
    """Put a file into storage (local directory or S3) and print its key."""

    data = _read_upload(Path(path))
    key = validate_key(key or f"uploads/{datetime.now(timezone.utc):%Y-%m-%d}/{uuid.uuid4().hex}{Path(path).suffix}")
    get_storage().put(key, data)
    click.echo(key)


def _read_upload(path: Path) -> bytes:
    """The file's bytes, if it is a regular file no larger than storage accepts (not /dev/zero, not a pipe)."""
    import stat

    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise UsageProblem(f"{path} is not a regular file (a device or pipe could be endless): save it to a file first")
    check_size(info.st_size)
    with path.open("rb") as source:
        data = source.read(MAX_OBJECT_BYTES + 1)  # the file may grow while it is read
    check_size(len(data))
    return data


def submission_options(tasks):
    """--score TASK [--prompt ...] [--user ID]: make a submission from the text and score it."""
    def decorate(command):
        command = click.option("--user", "user_id", help="The learner the submission belongs to.")(command)
        command = click.option("--prompt", help="The question that was answered.")(command)
        return click.option("--score", "task_type", type=click.Choice(tasks),
                            help="Also store the text as a submission of this task and score it.")(command)
    return decorate


def _create_submission(task_type, prompt, user_id):
    if not task_type:
        if prompt or user_id:
            raise UsageProblem("--prompt and --user go with --score")
        return None
    return {key: value for key, value in
            {"task_type": task_type, "prompt": prompt, "user_id": user_id}.items() if value is not None}


@enqueue.command("process-image")
@click.argument("file_key", required=False)
@click.option("--language", default="en", show_default=True)
@submission_options(["writing_task_1", "writing_task_2"])
@enqueue_options
def enqueue_process_image(file_key, language, task_type, prompt, user_id, **opts):
    """OCR an uploaded image or PDF (optionally submit the text for scoring)."""
    request = _create_submission(task_type, prompt, user_id)
    run("process_image", opts, (file_key, language) if file_key else (),
        kwargs={"create_submission": request} if request else None)


@enqueue.command("process-audio")
@click.argument("file_key", required=False)
@click.option("--language", default="en", show_default=True)
@submission_options(["speaking_part_1", "speaking_part_2", "speaking_part_3"])
@enqueue_options
def enqueue_process_audio(file_key, language, task_type, prompt, user_id, **opts):
    """Transcribe an uploaded recording (optionally submit the transcript for scoring)."""
    request = _create_submission(task_type, prompt, user_id)
    run("process_audio", opts, (file_key, language) if file_key else (),
        kwargs={"create_submission": request} if request else None)


@enqueue.command("upload")
@click.argument("local_path")
@click.argument("key")
@enqueue_options
def enqueue_upload(local_path, key, **opts):
    """Upload a file from the temp directory to storage on a worker, then remove it."""
    run("upload_to_s3", opts, (local_path, key))


@enqueue.command("cleanup-temp", help=f"Delete files older than HOURS_OLD hours (default {TEMP_FILES_KEPT_HOURS}) "
                                      "from the temp directory.")
@click.argument("hours_old", type=click.IntRange(min=1), required=False)
@enqueue_options
def enqueue_cleanup_temp(hours_old, **opts):
    run("cleanup_temp_files", opts, (hours_old,) if hours_old else (), validate=positive_int("hours_old"))


@enqueue.command("process-batch")
@click.argument("source", type=LinesFile(), metavar="FILE.jsonl")
@enqueue_options
def enqueue_process_batch(source, **opts):
    """Process many files as one batch: one JSON object per line, {"kind": "image", "file_key": ...}."""
    run("process_batch", opts, (read_jsonl(source, "files"),))


COMMANDS = [upload]
