"""A learner's data: erased everywhere on request, exported whole, and bounded by retention.

The user's path throughout: records made by real workers from real uploads, ``ielts-rq learner erase`` and
``ielts-rq learner export`` as processes, the nightly cleanup job on a real worker. What "everywhere" means is
checked by reading everything: every Redis key and value (SCAN, then a read by type), every stored file and
every outbox message.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import zlib
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ielts_rq import enqueue, store
from ielts_rq.policies import POLICIES, RETENTION
from ielts_rq.queueing import keys
from ielts_rq.queueing.queues import JsonJob, get_queue
from ielts_rq.storage import get_storage
from ielts_rq.store import records

from . import media_fixtures as mf
from .conftest import HOME, ROOT, cli, enqueue_past_the_door, run_worker
from .essays import GOOD_ESSAY, HALF_ESSAY, PROMPT

ADA, ADA_EMAIL = "learner-ada-7", "Ada.Lovelace@Example.org"
BEA, BEA_EMAIL = "learner-ada-77", "bea@example.org"  # Ada's id is a prefix of hers: exact matching matters
ADA_ESSAYS = (GOOD_ESSAY + " I wrote this essay on a rainy Tuesday in Lisbon.",
              HALF_ESSAY + " Reading by the window, I finished it in an hour.")
BEA_ESSAY = ("Public transport should be free in every large city, because it reduces traffic and pollution. "
             "Moreover, it helps poorer families reach schools, hospitals and work without spending much money.")
SPOKEN = ("I usually read the newspaper in the morning because it helps me understand what is happening "
          "in my country. I also listen to the radio when I drive to work.")
TOMORROW = (date.today() + timedelta(days=1)).isoformat()  # the weekly report covers the seven days before


# Reading everything ------------------------------------------------------------------------------------------

def _plain(blob: bytes) -> bytes:
    try:
        return zlib.decompress(blob)  # RQ compresses a job's data
    except zlib.error:
        return blob


def redis_contents(connection) -> list[bytes]:
    """Every key and every value of the database, read by type."""
    found = []
    for key in connection.scan_iter(count=1000):
        kind = connection.type(key).decode()
        found.append(key)
        if kind == "string":
            found.append(connection.get(key) or b"")
        elif kind == "hash":
            for field, value in connection.hgetall(key).items():
                found += [field, value]
        elif kind == "list":
            found += connection.lrange(key, 0, -1)
        elif kind == "set":
            found += list(connection.smembers(key))
        elif kind == "zset":
            found += connection.zrange(key, 0, -1)
        elif kind == "stream":
            for _, fields in connection.xrange(key):
                for field, value in fields.items():
                    found += [field, value]
        else:
            raise AssertionError(f"a key of type {kind} this scan cannot read: {key!r}")
    return [_plain(blob) for blob in found]


def folder_contents(folder: Path) -> list[bytes]:
    """Every file's path and bytes under a folder (an .eml's body decoded as well)."""
    found = []
    for path in folder.rglob("*") if folder.is_dir() else []:
        if path.is_file():
            data = path.read_bytes()
            found += [str(path.relative_to(folder)).encode(), data]
            if path.suffix == ".eml":
                from email import policy
                from email.parser import BytesParser
                message = BytesParser(policy=policy.default).parsebytes(data)
                found += [part.get_content().encode() for part in message.walk()
                          if part.get_content_maintype() == "text"]
    return found


def traces(blobs: list[bytes], learner_id: str, address: str, texts: list[str]) -> list[str]:
    """Which of the learner's id, address and answers occur in any blob (the id as a whole token)."""
    import re

    token = re.compile(rb"(?<![A-Za-z0-9_-])" + re.escape(learner_id.encode()) + rb"(?![A-Za-z0-9_-])")
    needles = {"address": address.lower().encode()}
    needles.update({f"text {n}": " ".join(t.split()[:12]).encode() for n, t in enumerate(texts)})
    hits = set()
    for blob in blobs:
        if token.search(blob):
            hits.add("id")
        lowered = blob.lower()
        hits |= {name for name, needle in needles.items() if needle.lower() in lowered}
    return sorted(hits)


def everything(connection) -> list[bytes]:
    return redis_contents(connection) + folder_contents(HOME / "files") + folder_contents(HOME / "outbox")


# Building two learners through the workers -------------------------------------------------------------------

def _learner_with_everything(connection, tmp_path) -> dict:
    """Ada: two essays, a photographed page, a recording, their results, a weekly report, emails in the outbox
    and a failed job carrying her address. Bea: an essay, its result, a report and an email."""
    store.save_user(ADA, email=ADA_EMAIL, name="Ada")
    store.save_user(BEA, email=BEA_EMAIL, name="Bea")
    for user_id, text in [(ADA, ADA_ESSAYS[0]), (ADA, ADA_ESSAYS[1]), (BEA, BEA_ESSAY)]:
        submission_id = store.create_submission(user_id, "writing_task_2", text, prompt=PROMPT)
        assert cli("enqueue", "score", submission_id).returncode == 0
    page = tmp_path / "page.png"
    page.write_bytes(mf.image_bytes(mf.photo_like(mf.text_page(GOOD_ESSAY))))
    page_key = cli("upload", str(page)).stdout.strip()
    assert cli("enqueue", "process-image", page_key, "--score", "writing_task_2", "--prompt", PROMPT,
               "--user", ADA).returncode == 0
    recording = tmp_path / "answer.mp3"
    recording.write_bytes(mf.encode_audio(mf.flite_wav(SPOKEN, tmp_path, voice="rms"), "mp3"))
    audio_key = cli("upload", str(recording)).stdout.strip()
    assert cli("enqueue", "process-audio", audio_key, "--score", "speaking_part_1", "--user", ADA).returncode == 0
    run_worker("file_processing", "scoring", "email", timeout=600)
    for user_id in (ADA, BEA):
        enqueue("generate_weekly_report", "user", user_id, today=TOMORROW)
        enqueue("send_weekly_report", user_id, today=TOMORROW)
        enqueue("process_user_analytics", user_id)
    run_worker("analytics", "email", timeout=300)
    # A client that skipped the door checks: the job fails on the worker and stays in the failed registry.
    failed = enqueue_past_the_door("send_generic_email", ADA_EMAIL, "", ADA_ESSAYS[0])
    run_worker("email")
    assert failed.id in get_queue("email", connection).failed_job_registry.get_job_ids()
    ada = {"submissions": store.submissions_for_user(ADA, 0, time.time() + 60)}
    assert len(ada["submissions"]) == 4, "two essays, the page and the recording"
    assert {s.get("source") for s in ada["submissions"]} == {None, "ocr", "speech"}
    ada["results"] = [store.get_result(s["id"]) for s in ada["submissions"]]
    assert all(ada["results"])
    ada["texts"] = [s["text"] for s in ada["submissions"]]
    ada["file_keys"] = {page_key, audio_key}
    ada["outbox"] = [m for m in _outbox() if m["to"].lower().endswith(ADA_EMAIL.lower() + ">")
                     or m["to"].lower() == ADA_EMAIL.lower()]
    assert len(ada["outbox"]) >= 5, "four scoring-complete emails and the weekly report"
    ada["failed_job"] = failed.id
    return ada


def _outbox() -> list[dict]:
    from ielts_rq.mail import list_outbox

    return list_outbox()


# The done-when ---------------------------------------------------------------------------------------

def test_erase_leaves_no_trace_anywhere_and_export_holds_everything_of_one_learner(redis_conn, tmp_path):
    ada = _learner_with_everything(redis_conn, tmp_path)
    assert traces(everything(redis_conn), ADA, ADA_EMAIL, ada["texts"]) == \
        ["address", "id"] + sorted(f"text {n}" for n in range(4)), "the scan finds the learner before the erase"

    out = tmp_path / "export"
    exported = cli("learner", "export", ADA, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    document = json.loads((out / "learner.json").read_text())
    assert document["format"] == "ielts-rq learner export 1"
    assert document["learner"]["id"] == ADA and document["learner"]["email"] == ADA_EMAIL
    assert {s["id"] for s in document["submissions"]} == {s["id"] for s in ada["submissions"]}
    assert {s["text"] for s in document["submissions"]} == set(ada["texts"])
    assert {r["submission_id"] for r in document["results"]} == {s["id"] for s in ada["submissions"]}
    assert all(r["criteria_scores"] and "detailed_feedback" in r for r in document["results"])
    assert {a["record"].get("user_id", ADA) for a in document["analytics"]} == {ADA}
    assert {a["key"].split(":")[0] for a in document["analytics"]} == {"user", "weekly_user"}
    assert {m["id"] for m in document["emails"]} == {m["id"] for m in ada["outbox"]}
    assert all(m["text"] for m in document["emails"])
    file_keys = {f["key"] for f in document["files"]}
    assert ada["file_keys"] <= file_keys and any(k.startswith(f"reports/user/{ADA}/") for k in file_keys)
    for entry in document["files"]:
        assert (out / entry["path"]).read_bytes() == get_storage().get(entry["key"])
    assert ada["failed_job"] in {j["id"] for j in document["jobs"]}
    assert traces(folder_contents(out), BEA, BEA_EMAIL, [BEA_ESSAY]) == [], "nothing of another learner"

    erased = cli("learner", "erase", ADA)
    assert erased.returncode == 0, erased.stderr
    removed = {line.split()[2]: int(line.split()[1]) for line in erased.stdout.splitlines()
               if line.startswith("removed")}
    assert removed["submissions"] == 4 and removed["results"] == 4 and removed["jobs"] >= 1
    assert removed["files"] >= 3 and removed["outbox"] == len(ada["outbox"]) and removed["analytics"] >= 2
    assert traces(everything(redis_conn), ADA, ADA_EMAIL, ada["texts"]) == []
    for key in ada["file_keys"]:
        assert not get_storage().exists(key)

    # Bea, whose id starts with Ada's, keeps every record of hers.
    assert store.get_user(BEA)["email"] == BEA_EMAIL
    assert len(store.submissions_for_user(BEA, 0, time.time() + 60)) == 1
    assert store.results_for_user(BEA, 0, time.time() + 60)
    assert any(m["to"].endswith(BEA_EMAIL + ">") or m["to"] == BEA_EMAIL for m in _outbox())
    assert traces(everything(redis_conn), BEA, BEA_EMAIL, [BEA_ESSAY]) == ["address", "id", "text 0"]

    again = cli("learner", "erase", ADA)  # idempotent: nothing left, and it says so
    assert again.returncode == 0, again.stderr
    assert "nothing was left" in again.stderr and "removed      0 submissions" in again.stdout


# Operator mistakes -------------------------------------------------------------------------------------------

def _one_learner(user_id: str, email: str, text: str) -> str:
    store.save_user(user_id, email=email)
    return store.create_submission(user_id, "writing_task_2", text, prompt=PROMPT)


@pytest.mark.parametrize("user_id", ["*", "", "learner-*", "learner-?", "learner-[a-z]*", " learner-x", "learner x",
                                     "a" * 65, "../learner-x", "learner-x\n"])
def test_an_id_that_is_a_pattern_or_no_id_at_all_erases_nothing(redis_conn, user_id):
    kept = _one_learner("learner-x", "x@example.org", BEA_ESSAY)
    before = sorted(redis_conn.scan_iter(count=1000))
    result = cli("learner", "erase", user_id)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "invalid learner id" in result.stderr and result.stderr.count("\n") == 1
    assert sorted(redis_conn.scan_iter(count=1000)) == before and store.get_submission(kept)


def test_an_unknown_learner_is_said_to_be_unknown(redis_conn):
    kept = _one_learner("learner-known", "known@example.org", BEA_ESSAY)
    result = cli("learner", "erase", "learner-unknown")
    assert result.returncode == 1 and "no data held about learner learner-unknown" in result.stderr
    assert cli("learner", "erase", "learner-unknown").returncode == 1, "still unknown the second time"
    assert cli("learner", "export", "learner-unknown").returncode == 1
    assert store.get_submission(kept) and store.get_user("learner-known")


def test_erase_of_an_id_that_is_a_prefix_of_others_takes_only_its_own(redis_conn):
    mine = _one_learner("learner-1", "one@example.org", ADA_ESSAYS[0])
    theirs = [_one_learner(other, f"{other}@example.org", BEA_ESSAY)
              for other in ("learner-12", "learner-1-b", "xlearner-1", "LEARNER-1")]
    enqueue("process_user_analytics", "learner-12")
    enqueue("send_generic_email", "other@example.org", "Hello", "A note about learner-1 and learner-12.")
    result = cli("learner", "erase", "learner-1")
    assert result.returncode == 0, result.stderr
    assert store.get_submission(mine) is None and store.get_user("learner-1") is None
    assert all(store.get_submission(sid) for sid in theirs)
    assert get_queue("analytics", redis_conn).count == 1 and get_queue("email", redis_conn).count == 1


# A job running for the learner while they are erased ---------------------------------------------------------

class GatedScoringService:
    """A scoring service that holds each answer until the test opens the gate."""

    def __init__(self):
        self.asked, self.gate = threading.Event(), threading.Event()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                service.asked.set()
                service.gate.wait(60)
                criteria = ["task_response", "coherence_cohesion", "lexical_resource", "grammatical_range_accuracy"]
                body = json.dumps({"overall_band_score": 6.5, "model_used": "gated-1", "detailed_feedback": "Fine.",
                                   "criteria_scores": [{"criterion": c, "band_score": 6.5} for c in criteria]})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gated_service():
    service = GatedScoringService()
    yield service
    service.close()


@pytest.mark.parametrize("mode", ["fork", "simple"])
def test_a_job_running_during_the_erase_writes_nothing_back(redis_conn, gated_service, mode):
    submission_id = _one_learner(ADA, ADA_EMAIL, ADA_ESSAYS[0])
    job = enqueue("score_submission", submission_id)
    worker = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", "scoring", "--burst", "--mode", mode],
                              cwd=ROOT, env={**os.environ, "SCORING_SERVICE_URL": gated_service.url},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert gated_service.asked.wait(120), "the worker never asked the scoring service"
        erased = cli("learner", "erase", ADA)
        assert erased.returncode == 0, erased.stderr
        assert "1 job(s) of the learner were running" in erased.stdout
        gated_service.gate.set()
        assert worker.wait(120) == 0, worker.stderr.read()
    finally:
        worker.kill()
    assert store.get_result(submission_id) is None and store.get_submission(submission_id) is None
    assert JsonJob.fetch_many([job.id], connection=redis_conn)[0] is None, "the job's record went when it ended"
    assert get_queue("email", redis_conn).count == 0, "no email for an erased learner"
    assert traces(everything(redis_conn), ADA, ADA_EMAIL, [ADA_ESSAYS[0]]) == []
    assert cli("learner", "erase", ADA).returncode == 0, "erased lately: nothing left, not unknown"


def test_a_submission_for_an_erased_learner_is_refused_while_the_erase_is_fresh(redis_conn):
    _one_learner(ADA, ADA_EMAIL, ADA_ESSAYS[0])
    assert cli("learner", "erase", ADA).returncode == 0
    with pytest.raises(store.LearnerErased):
        store.create_submission(ADA, "writing_task_2", ADA_ESSAYS[1])
    assert redis_conn.ttl(store.erasures.tombstone_key(ADA)) <= RETENTION["erasure_tombstone"].seconds
    assert ADA.encode() not in b"".join(redis_contents(redis_conn))


# Retention, enforced by the nightly cleanup job --------------------------------------------------------------

def _made_days_ago(days: float, user_id: str, text: str) -> str:
    """A scored submission and a learner report, stamped ``days`` ago (the store's clock, moved back)."""
    real_now = records.now
    moment = time.time() - days * 86400
    records.now = lambda: moment
    try:
        submission_id = store.create_submission(user_id, "writing_task_2", text, prompt=PROMPT)
        criteria = ["task_response", "coherence_cohesion", "lexical_resource", "grammatical_range_accuracy"]
        store.save_result(store.get_submission(submission_id),
                          {"overall_band_score": 6.0, "model_used": "t",
                           "criteria_scores": [{"criterion": c, "band_score": 6.0} for c in criteria]},
                          scorer="builtin", scorer_version="v1")
        store.save_analytics("user", user_id, f"d{int(days)}", f"d{int(days)}", {"user_id": user_id})
    finally:
        records.now = real_now
    return submission_id


def test_retention_removes_each_kind_once_it_is_old_enough(redis_conn):
    store.save_user("learner-old", email="old@example.org")
    old = _made_days_ago(91, "learner-old", ADA_ESSAYS[0])
    fresh = _made_days_ago(2, "learner-old", ADA_ESSAYS[1])
    storage, outbox = get_storage(), HOME / "outbox"
    outbox.mkdir(exist_ok=True)
    for name, age in (("old", 31), ("fresh", 2)):
        stamp = time.time() - age * 86400
        storage.put(f"uploads/{name}.png", mf.image_bytes(mf.text_page("x")))
        os.utime(storage.path(f"uploads/{name}.png"), (stamp, stamp))
        message = outbox / f"{name}.eml"
        message.write_bytes(b"To: someone@example.org\n\nx")
        os.utime(message, (stamp, stamp))
    # A submission written before the time index existed is reached too.
    legacy = _made_days_ago(40, "learner-old", BEA_ESSAY)
    redis_conn.zrem(keys.submissions_by_time(), legacy)

    assert cli("enqueue", "cleanup-results").returncode == 0
    run_worker("scoring")
    assert store.get_submission(old) is None and store.get_result(old) is None
    assert store.get_submission(legacy) is None
    assert store.get_submission(fresh) and store.get_result(fresh)
    assert redis_conn.zscore(keys.submissions_by_user("learner-old"), old) is None
    assert redis_conn.zcard(keys.submissions_by_time()) == 1 and redis_conn.zcard(keys.results_by_time()) == 1
    assert store.get_analytics("user", "learner-old", "d91", "d91") is None
    assert store.get_analytics("user", "learner-old", "d2", "d2") is not None
    assert not storage.exists("uploads/old.png") and storage.exists("uploads/fresh.png")
    assert not (outbox / "old.eml").exists() and (outbox / "fresh.eml").exists()


def test_every_record_kind_has_a_retention_no_shorter_than_what_rq_keeps():
    assert {"submission", "result", "reuse_entry", "analytics", "stored_file", "outbox_message", "failed_job",
            "finished_job"} <= set(RETENTION)
    assert max(p.result_ttl for p in POLICIES.values()) <= RETENTION["finished_job"].seconds
    assert max(p.failure_ttl for p in POLICIES.values()) <= RETENTION["failed_job"].seconds
    assert RETENTION["erasure_tombstone"].seconds >= max(p.timeout + sum(p.retry_intervals)
                                                         for p in POLICIES.values())


def test_erase_export_and_retention_reach_uploads_in_s3(redis_conn, moto_endpoint, tmp_path):
    import boto3

    bucket = f"learners-{os.getpid()}-{int(time.time())}"
    env = {"S3_BUCKET_NAME": bucket, "S3_ENDPOINT_URL": moto_endpoint, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing-secret-key", "AWS_REGION": "us-east-1"}
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, aws_access_key_id="testing",
                      aws_secret_access_key="testing-secret-key", region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    page = tmp_path / "page.png"
    page.write_bytes(mf.image_bytes(mf.text_page("A page.")))
    for user_id in (ADA, BEA):
        key = cli("upload", str(page), "--key", f"uploads/{user_id}-page.png", env=env).stdout.strip()
        store.save_user(user_id, email=f"{user_id}@example.org")
        store.create_submission(user_id, "writing_task_1", f"The chart of {user_id} shows growth over ten years.",
                                file_key=key)
    s3.put_object(Bucket=bucket, Key=f"reports/user/{ADA}/2026-01-05/bands-week.png", Body=b"png")
    s3.put_object(Bucket=bucket, Key=f"reports/user/{BEA}/2026-01-05/bands-week.png", Body=b"png")

    out = tmp_path / "export"
    assert cli("learner", "export", ADA, "--out", str(out), env=env).returncode == 0
    assert sorted(p.name for p in (out / "files").rglob("*") if p.is_file()) == ["bands-week.png", f"{ADA}-page.png"]
    result = cli("learner", "erase", ADA, env=env)
    assert result.returncode == 0, result.stderr
    assert "removed      2 files" in result.stdout
    left = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))
    assert left == [f"reports/user/{BEA}/2026-01-05/bands-week.png", f"uploads/{BEA}-page.png"]

    # Retention lists the bucket: nothing is old enough yet, so nothing goes.
    assert cli("enqueue", "cleanup-results", env=env).returncode == 0
    run_worker("scoring", env=env)
    assert len(s3.list_objects_v2(Bucket=bucket)["Contents"]) == 2


def test_an_address_the_record_no_longer_holds_is_erased_when_named(redis_conn):
    store.save_user(ADA, email="old-ada@example.org")
    enqueue_past_the_door("send_welcome_email", "Old-Ada@Example.org", "Ada")  # queued before she changed it
    store.update_user(ADA, email=ADA_EMAIL)
    enqueue_past_the_door("send_welcome_email", "someone-else@example.org", "Sam")
    assert cli("learner", "erase", ADA, "--address", "not an address").returncode == 2
    assert get_queue("email", redis_conn).count == 2, "a bad address stops the erase before anything goes"
    result = cli("learner", "erase", ADA, "--address", "old-ada@example.org")
    assert result.returncode == 0, result.stderr
    assert "removed      1 jobs" in result.stdout and get_queue("email", redis_conn).count == 1
    assert b"old-ada" not in b"".join(redis_contents(redis_conn)).lower()
