"""Jobs of the ``file_processing`` queue: OCR, transcription, uploads and temp-file cleanup.

The pipelines end in the scoring queue: with ``create_submission``, the text
read from an image (or the transcript of a recording, with its word timings)
becomes a submission and its scoring is enqueued.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from rq import get_current_job

from .. import media, ocr, speech, store
from ..errors import NotFound, PermanentError, TransientError
from ..ocr import extract_text
from ..policies import TEMP_FILES_KEPT_HOURS
from ..queueing import keys
from ..queueing.connection import get_connection
from ..queueing.deadline import soft_limit
from ..queueing.enqueue import enqueue, enqueue_many
from ..settings import get_settings
from ..speech import transcribe
from ..storage import get_storage, validate_key

WRITING_TASKS = ("writing_task_1", "writing_task_2")
SPEAKING_TASKS = ("speaking_part_1", "speaking_part_2", "speaking_part_3")
MAX_BATCH_FILES = 10_000
SAVED_PAGES_KEPT = 86400  # seconds the pages of a stopped OCR job wait for its retry


def warm_up() -> None:
    """What a file worker loads once before its first job, for its forked horses to inherit."""
    ocr.warm_up()
    speech.warm_up()


def process_image(file_key: str, language: str = "en", create_submission: dict | None = None) -> dict:
    """Read the text of an uploaded image or PDF; optionally submit it for scoring."""
    request = check_process_image(file_key, language, create_submission)
    data = get_storage().get(file_key)
    pages = _SavedPages(data)
    limit = soft_limit()
    result = extract_text(data, language, pages_read=pages.read(), on_page=pages.save, stop=limit.reached)
    pages.clear()
    result["file_key"] = file_key
    if request is not None:
        if result["low_confidence"]:
            result["submission"] = {"created": False, "reason": "the text could not be read reliably enough to score"}
        else:
            result["submission"] = _submit(request, result["text"], file_key, "ocr")
    return result


def process_audio(file_key: str, language: str = "en", create_submission: dict | None = None) -> dict:
    """Transcribe an uploaded recording with word timings; optionally submit it for scoring."""
    request = check_process_audio(file_key, language, create_submission)
    result = transcribe(get_storage().get(file_key), language)
    result["file_key"] = file_key
    if request is not None:
        if not result["words"]:
            result["submission"] = {"created": False, "reason": "no speech was recognised"}
        else:
            audio = {"words": result["words"], "duration": result["duration"], "confidence": result["confidence"]}
            result["submission"] = _submit(request, result["text"], file_key, "speech", audio=audio)
    return result


def upload_to_s3(local_path: str, key: str) -> dict:
    """Store a file from the temp directory in the configured storage; remove it once verified."""
    path = _inside_temp(local_path)
    data = path.read_bytes()
    checksum = hashlib.sha256(data).hexdigest()
    stored = get_storage().put(validate_key(key), data, content_type=media.content_type(data))
    if stored["sha256"] != checksum or get_storage().stat(key)["size"] != len(data):
        raise TransientError(f"upload of {key} could not be verified; the local file is kept")
    path.unlink()
    return {**stored, "local_file_removed": True}


def cleanup_temp_files(hours_old: int = TEMP_FILES_KEPT_HOURS) -> dict:
    """Delete regular files older than ``hours_old`` inside the temp directory, and nothing else.

    Symbolic links are never followed: a link is removed as a link, so a
    link pointing outside the directory cannot make this delete anything there.
    """
    check_cleanup_temp_files(hours_old)
    root = temp_dir()
    cutoff = time.time() - hours_old * 3600
    removed, freed = [], 0
    for directory, _, names in os.walk(root, followlinks=False):
        for name in names:
            path = Path(directory) / name
            info = path.lstat()
            if path.is_symlink() or not path.is_file() or info.st_mtime >= cutoff:
                continue
            path.unlink()
            removed.append(str(path.relative_to(root)))
            freed += info.st_size
    return {"removed": len(removed), "bytes": freed, "files": removed[:100]}


def process_batch(files: list) -> dict:
    """One bulk enqueue of image and audio jobs; the batch id is this job's id."""
    check_process_batch(files)
    calls: dict[str, list] = {"process_image": [], "process_audio": []}
    for index, entry in enumerate(files):
        job, kwargs = _batch_entry(index, entry)
        calls[job].append(((), kwargs))
    current = get_current_job()
    batch_id = current.id if current else store.new_id("batch")
    job_ids = [job_id for name, batch in calls.items() if batch
               for job_id in enqueue_many(name, batch, batch_id=batch_id)]
    batch = store.save_batch(batch_id, "files", job_ids)
    return {"batch_id": batch["id"], "jobs": batch["total"], "images": len(calls["process_image"]),
            "audio": len(calls["process_audio"])}


# The checks a job makes of its arguments before any work, also run at the door (`ielts-rq enqueue`),
# so a bad request is refused with the same message before it is queued.

class _SavedPages:
    """The pages of a file an OCR job has read, kept in Redis for its retry when it stops at its soft limit.
    Kept per job and per file content: a retry of the same job on the same bytes reads on from them."""

    def __init__(self, data: bytes):
        job = get_current_job()
        self.key = keys.ocr_pages(job.id) if job else None
        self.digest = hashlib.sha256(data).hexdigest()

    def read(self) -> list:
        if self.key is None:
            return []
        saved = get_connection().hgetall(self.key)
        if saved.get(b"digest", b"").decode() != self.digest:
            return []
        pages = []
        while str(len(pages) + 1).encode() in saved:  # the pages read, in order, up to the first gap
            pages.append(json.loads(saved[str(len(pages) + 1).encode()]))
        return pages

    def save(self, number: int, page: dict) -> None:
        if self.key is not None:
            with get_connection().pipeline() as pipe:
                pipe.hset(self.key, mapping={"digest": self.digest, str(number): json.dumps(page)})
                pipe.expire(self.key, SAVED_PAGES_KEPT)
                pipe.execute()

    def clear(self) -> None:
        if self.key is not None:
            get_connection().delete(self.key)


# The checks of arguments a job makes before any work, also run at the door (enqueue(), `ielts-rq enqueue`):
# each job's policy names its check (``JobPolicy.door_check``), which takes the job's own parameters.

def check_process_image(file_key, language="en", create_submission=None) -> dict | None:
    validate_key(file_key)
    return _submission_request(create_submission, WRITING_TASKS)


def check_process_audio(file_key, language="en", create_submission=None) -> dict | None:
    validate_key(file_key)
    return _submission_request(create_submission, SPEAKING_TASKS)


def check_process_batch(files) -> None:
    if not isinstance(files, list) or not files:
        raise PermanentError("files must be a non-empty list of {kind: image|audio, file_key: ...} objects")
    if len(files) > MAX_BATCH_FILES:
        raise PermanentError(f"a batch holds at most {MAX_BATCH_FILES:,} files, got {len(files):,}")
    for index, entry in enumerate(files):
        _batch_entry(index, entry)


def check_upload_to_s3(local_path, key) -> None:
    validate_key(key)


def check_cleanup_temp_files(hours_old=TEMP_FILES_KEPT_HOURS) -> None:
    if not isinstance(hours_old, int) or isinstance(hours_old, bool) or hours_old < 1:
        raise PermanentError(f"hours_old must be a positive whole number of hours, got {hours_old!r}")


def temp_dir() -> Path:
    """Where the platform drops files before upload; cleanup_temp_files works only here."""
    return get_settings().home_folder("tmp")


def _batch_entry(index: int, entry) -> tuple[str, dict]:
    jobs = {"image": "process_image", "audio": "process_audio"}
    if not isinstance(entry, dict) or entry.get("kind") not in jobs:
        raise PermanentError(f"file {index}: needs kind image or audio")
    unknown = set(entry) - {"kind", "file_key", "language", "create_submission"}
    if unknown:
        raise PermanentError(f"file {index}: unknown field(s) {', '.join(sorted(unknown))}")
    try:
        validate_key(entry.get("file_key"))
    except PermanentError as exc:
        raise PermanentError(f"file {index}: {exc}") from None
    return jobs[entry["kind"]], {name: value for name, value in entry.items() if name != "kind"}


def _submission_request(request, task_types) -> dict | None:
    if request is None:
        return None
    if not isinstance(request, dict) or request.get("task_type") not in task_types:
        raise PermanentError(f"create_submission needs a task_type, one of {', '.join(task_types)}")
    unknown = set(request) - {"task_type", "prompt", "user_id"}
    if unknown:
        raise PermanentError(f"create_submission has unknown field(s): {', '.join(sorted(unknown))}")
    return request


def _submit(request: dict, text: str, file_key: str, source: str, **extra) -> dict:
    try:
        submission_id = store.create_submission(request.get("user_id"), request["task_type"], text,
                                                request.get("prompt"), file_key=file_key, source=source, **extra)
    except store.LearnerErased as exc:  # erased while the file was read: nothing of theirs is kept
        store.forget_current_job()
        return {"created": False, "reason": str(exc)}
    job = enqueue("score_submission", submission_id)
    return {"created": True, "submission_id": submission_id, "score_job_id": job.id}


def _inside_temp(local_path) -> Path:
    """The path, if it names a regular file inside the temp directory (no escape by .. or links)."""
    if not isinstance(local_path, str) or not local_path:
        raise PermanentError("local_path must be a file path inside the temp directory")
    root = temp_dir().resolve()
    path = Path(local_path) if Path(local_path).is_absolute() else root / local_path
    if path.is_symlink() or root not in path.resolve().parents:
        raise PermanentError(f"local_path {local_path!r:.80} is not inside the temp directory {root}")
    if not path.is_file():
        raise NotFound(f"local file {path.name!r} not found in the temp directory")
    return path
