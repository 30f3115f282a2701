"""File jobs on real workers with real engines: OCR and speech pipelines into scoring, uploads, cleanup."""

import json
import os
import time
import uuid

import boto3
import pytest

from ielts_rq import enqueue, store
from ielts_rq.jobs import files as file_jobs
from ielts_rq.queueing.queues import JsonJob
from ielts_rq.storage import get_storage

from . import media_fixtures as mf
from .conftest import cli, enqueue_past_the_door, run_worker
from .essays import GOOD_ESSAY, PROMPT

SPOKEN = ("I usually read the newspaper in the morning because it helps me understand what is happening "
          "in my country. I also listen to the radio when I drive to work.")


def _job(job_id, connection):
    return JsonJob.fetch(job_id, connection=connection)


def test_image_to_text_to_scored_writing_submission(redis_conn, tmp_path):
    page = tmp_path / "essay.png"
    page.write_bytes(mf.image_bytes(mf.text_page(GOOD_ESSAY)))
    key = cli("upload", str(page)).stdout.strip()
    job_id = cli("enqueue", "process-image", key, "--score", "writing_task_2", "--prompt", PROMPT,
                 "--user", "photo-learner").stdout.strip()
    run_worker("file_processing", "scoring", timeout=300)
    ocr = _job(job_id, redis_conn).return_value()
    assert mf.char_error_rate(" ".join(GOOD_ESSAY.split()), " ".join(ocr["text"].split())) < 0.02
    assert not ocr["low_confidence"]
    submission_id = ocr["submission"]["submission_id"]
    submission = store.get_submission(submission_id)
    assert submission["file_key"] == key and submission["source"] == "ocr"
    assert submission["user_id"] == "photo-learner" and submission["prompt"] == PROMPT
    result = store.get_result(submission_id)
    assert result is not None and len(result["criteria_scores"]) == 4


def test_audio_to_transcript_to_scored_speaking_submission(redis_conn, tmp_path):
    key = f"uploads/{uuid.uuid4().hex}.mp3"
    get_storage().put(key, mf.encode_audio(mf.flite_wav(SPOKEN, tmp_path, voice="rms"), "mp3"))
    job = enqueue("process_audio", key, create_submission={"task_type": "speaking_part_1", "user_id": "voice-1"})
    run_worker("file_processing", "scoring", timeout=300)
    transcript = _job(job.id, redis_conn).return_value()
    assert mf.word_error_rate(SPOKEN, transcript["text"]) <= 0.15
    submission = store.get_submission(transcript["submission"]["submission_id"])
    assert submission["audio"]["words"][0]["start"] >= 0
    assert submission["audio"]["duration"] == transcript["duration"]
    result = store.get_result(submission["id"])
    assert result["task_type"] == "speaking_part_1"
    assert {c["criterion"] for c in result["criteria_scores"]} >= {"fluency_coherence", "pronunciation"}


@pytest.mark.parametrize("data, error", [
    (b"just some text pretending to be an image\n" * 10, "unsupported file type"),
    (b"", "empty"),
    (mf.png_claiming_size(50000, 50000), "pixel"),
])
def test_bad_images_fail_their_job_only(redis_conn, data, error):
    bad_key, good_key = f"uploads/{uuid.uuid4().hex}.png", f"uploads/{uuid.uuid4().hex}.png"
    get_storage().put(bad_key, data)
    get_storage().put(good_key, mf.image_bytes(mf.text_page("A short clear line of text for the reader.")))
    bad, good = enqueue("process_image", bad_key), enqueue("process_image", good_key)
    run_worker("file_processing", timeout=300)
    failed = _job(bad.id, redis_conn)
    assert failed.get_status() == "failed" and error in failed.latest_result().exc_string.lower()
    assert failed.retries_left == 0
    assert _job(good.id, redis_conn).get_status() == "finished"


def test_missing_and_hostile_keys(redis_conn):
    missing = enqueue("process_image", "uploads/nothing-here.png")
    hostile = enqueue_past_the_door("process_audio", "../../etc/passwd")  # enqueue() refuses it
    run_worker("file_processing")
    assert "not found" in _job(missing.id, redis_conn).latest_result().exc_string
    assert "invalid storage key" in _job(hostile.id, redis_conn).latest_result().exc_string


def test_upload_to_s3_verifies_then_removes_the_local_file(redis_conn, moto_endpoint, tmp_path):
    bucket = f"uploads-{uuid.uuid4().hex[:8]}"
    env = {"S3_BUCKET_NAME": bucket, "S3_ENDPOINT_URL": moto_endpoint, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing-secret-key", "AWS_REGION": "us-east-1"}
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, aws_access_key_id="testing",
                      aws_secret_access_key="testing-secret-key", region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    local = file_jobs.temp_dir() / f"{uuid.uuid4().hex}.png"
    local.write_bytes(mf.image_bytes(mf.text_page("Uploaded page.")))
    job_id = cli("enqueue", "upload", str(local), "essays/page-1.png", env=env).stdout.strip()
    run_worker("file_processing", env=env)
    result = _job(job_id, redis_conn).return_value()
    head = s3.head_object(Bucket=bucket, Key="essays/page-1.png")
    assert head["ContentType"] == "image/png" and result["content_type"] == "image/png"
    assert result["local_file_removed"] and not local.exists()
    assert "testing-secret-key" not in json.dumps(result)


def test_upload_refuses_paths_outside_the_temp_directory(redis_conn, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("not for upload")
    job = enqueue("upload_to_s3", str(outside), "stolen.txt")
    escape = enqueue("upload_to_s3", "../valkey/valkey.conf", "stolen2.txt")
    run_worker("file_processing")
    for attempt in (job, escape):
        assert "is not inside the temp directory" in _job(attempt.id, redis_conn).latest_result().exc_string
    assert outside.exists()


def test_cleanup_temp_files_stays_inside_and_never_follows_links(redis_conn, tmp_path):
    root = file_jobs.temp_dir()
    old, fresh = root / "old.wav", root / "fresh.wav"
    old.write_bytes(b"x" * 100)
    fresh.write_bytes(b"y" * 10)
    past = time.time() - 48 * 3600
    os.utime(old, (past, past))
    victim = tmp_path / "outside.txt"
    victim.write_text("keep me")
    os.utime(victim, (past, past))
    link = root / "link-to-outside"
    link.symlink_to(victim)
    result = file_jobs.cleanup_temp_files(24)
    assert result["removed"] == 1 and result["bytes"] == 100 and result["files"] == ["old.wav"]
    assert not old.exists() and fresh.exists() and victim.exists()
    link.unlink()


def test_process_batch_fans_out_with_progress(redis_conn, tmp_path):
    keys = []
    for n in range(3):
        keys.append(f"uploads/batch-{uuid.uuid4().hex}.png")
        get_storage().put(keys[-1], mf.image_bytes(mf.text_page(f"Page number {n} of the batch.")))
    batch_file = tmp_path / "files.jsonl"
    batch_file.write_text("\n".join(json.dumps({"kind": "image", "file_key": k}) for k in keys))
    batch_id = cli("enqueue", "process-batch", str(batch_file)).stdout.strip()
    run_worker("file_processing", timeout=300)
    progress = json.loads(cli("batch", "status", batch_id, "--json").stdout)
    assert progress["total"] == 3 and progress["counts"] == {"finished": 3} and progress["complete"]


def test_process_batch_refuses_bad_entries(redis_conn):
    with pytest.raises(Exception, match="file 1: needs kind image or audio"):
        file_jobs.process_batch([{"kind": "image", "file_key": "a.png"}, {"kind": "video", "file_key": "b"}])
