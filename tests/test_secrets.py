"""Recognisable fake secrets in every secret variable; none may appear anywhere a person or attacker reads.

Logs (at DEBUG), job hashes and their decompressed data, results, failure
texts, every other Redis value, the CLI's job views and the dashboard's pages
are all scanned. Also: a pickled payload is never unpickled.
"""

import base64
import json
import os
import pickle
import zlib

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from ielts_rq import enqueue, store
from ielts_rq.storage import get_storage
from ielts_rq.jobs import files as file_jobs
from ielts_rq.queueing.queues import JsonJob, get_queue

from . import media_fixtures as mf
from .conftest import cli, run_worker
from .inprocess import console_client
from .http_stub import StubServer
from .smtp_stub import Collector, free_port

SECRETS = {
    "SMTP_PASSWORD": "FAKE-smtp-pw-9d2k7",
    "SENDGRID_API_KEY": "SG.FAKE-sendgrid-key-7x1q4",
    "AWS_SECRET_ACCESS_KEY": "FAKE-aws-secret-4h8z3",
    "DASHBOARD_PASSWORD": "FAKE-dash-pw-2m6n1",
}


def _every_redis_value(connection) -> bytes:
    """Every key and value in the database, job data decompressed, as one blob to search."""
    chunks = []
    for key in connection.scan_iter(count=1000):
        kind = connection.type(key)
        chunks.append(key)
        if kind == b"string":
            chunks.append(connection.get(key) or b"")
        elif kind == b"hash":
            for field, value in connection.hgetall(key).items():
                chunks += [field, value]
                if field == b"data":
                    chunks.append(zlib.decompress(value))
        elif kind == b"list":
            chunks += connection.lrange(key, 0, -1)
        elif kind == b"zset":
            chunks += connection.zrange(key, 0, -1)
        elif kind == b"set":
            chunks += list(connection.smembers(key))
    return b"\n".join(chunks)


@pytest.mark.slow
def test_no_secret_reaches_logs_redis_cli_or_dashboard(redis_conn, moto_endpoint, tmp_path):
    # A SendGrid that refuses the key and echoes it back; an SMTP server that refuses the password.
    sendgrid = StubServer()
    sendgrid.answer("/v3/mail/send", (401, {"errors": [{"message": f"bad key {SECRETS['SENDGRID_API_KEY']}"}]}))
    smtp = Controller(Collector(), hostname="127.0.0.1", port=free_port(), auth_require_tls=False,
                      authenticator=lambda *args: AuthResult(success=False, handled=False))
    smtp.start()
    import boto3

    s3 = boto3.client("s3", endpoint_url=moto_endpoint, aws_access_key_id="AKIAFAKE",
                      aws_secret_access_key=SECRETS["AWS_SECRET_ACCESS_KEY"], region_name="us-east-1")
    s3.create_bucket(Bucket="secret-scan")
    base = {**SECRETS, "LOG_LEVEL": "DEBUG", "DASHBOARD_USERNAME": "ops", "RATE_LIMITS": "sendgrid=10000,smtp=10000",
            "S3_BUCKET_NAME": "secret-scan", "S3_ENDPOINT_URL": moto_endpoint, "AWS_ACCESS_KEY_ID": "AKIAFAKE"}
    try:
        local = file_jobs.temp_dir() / "upload.txt"
        local.write_text("a file to upload")
        upload = enqueue("upload_to_s3", str(local), "scan/upload.txt")
        via_sendgrid = enqueue("send_welcome_email", "learner@example.com", "Lee")
        logs = run_worker("file_processing", "email", env={
            **base, "EMAIL_BACKEND": "sendgrid", "SENDGRID_BASE_URL": sendgrid.url}).stderr
        via_smtp = enqueue("send_welcome_email", "learner2@example.com", "Lou")
        logs += run_worker("email", env={**base, "EMAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1",
                                         "SMTP_PORT": str(smtp.port), "SMTP_SECURITY": "none",
                                         "SMTP_USERNAME": "mailer"}).stderr
    finally:
        smtp.stop()
        sendgrid.close()
    assert JsonJob.fetch(upload.id, connection=redis_conn).get_status() == "finished"
    for job in (via_sendgrid, via_smtp):
        assert JsonJob.fetch(job.id, connection=redis_conn).get_status() == "failed"

    views = [cli(*args, env=base).stdout for job in (upload, via_sendgrid, via_smtp)
             for args in (("job", "show", job.id, "--json"), ("failed", "show", job.id))]
    views.append(cli("failed", "list", "--json", env=base).stdout)
    views += _dashboard_pages(base, [upload, via_sendgrid, via_smtp])

    everything = "\n".join([logs, *views]) + _every_redis_value(redis_conn).decode(errors="replace")
    assert "learner@example.com" in everything  # the scan does see the data
    hits = [name for name, secret in SECRETS.items() if secret in everything]
    assert hits == []


def _dashboard_pages(env: dict, jobs) -> list[str]:
    auth = {"Authorization": "Basic " + base64.b64encode(f"ops:{SECRETS['DASHBOARD_PASSWORD']}".encode()).decode()}
    pages = ["/overview", "/health", "/depth", "/schedule", "/batches", "/metrics", "/rq/0/data/queues.json"]
    pages += [f"/rq/0/data/job/{job.id}.json" for job in jobs]
    pages += [f"/rq/0/data/jobs/{q}/{registry}/100/asc/1.json" for q in ("email", "file_processing", "scoring")
              for registry in ("failed", "scheduled")]
    texts = []
    with console_client(**env) as client:
        for page in pages:
            response = client.get(page, headers=auth)
            assert response.status_code == 200, page
            texts.append(response.get_data(as_text=True))
    return texts


URL_PASSWORDS = {"SCORING_SERVICE_URL": "FAKE-score-url-pw-51", "OCR_SERVICE_URL": "FAKE-ocr-url-pw-62",
                 "SPEECH_SERVICE_URL": "FAKE-speech-url-pw-83", "API_GATEWAY_URL": "FAKE-gateway-url-pw-73",
                 "ALERT_WEBHOOK_URL": "FAKE-webhook-url-pw-94"}


@pytest.mark.slow
def test_no_password_inside_a_service_url_surfaces(redis_conn):
    # Every service URL carries user:password@ and points at a port where nothing listens, so each
    # job fails (and retries) with an error that names the service it could not reach.
    closed = free_port()
    env = {name: f"http://svc:{password}@127.0.0.1:{closed}" for name, password in URL_PASSWORDS.items()}
    env.update(LOG_LEVEL="DEBUG", DASHBOARD_USERNAME="ops", DASHBOARD_PASSWORD=SECRETS["DASHBOARD_PASSWORD"],
               SERVICE_CONNECT_TIMEOUT="0.5", HEALTH_CHECK_TIMEOUT="0.5")
    submission_id = store.create_submission("learner-url", "writing_task_2", "An essay. " * 40, "A prompt")
    image_key = "uploads/url-secret.png"
    get_storage().put(image_key, mf.image_bytes(mf.text_page("A short line of text.")))
    jobs = [enqueue("score_submission", submission_id), enqueue("process_image", image_key),
            enqueue("health_check"), enqueue("send_alert_webhook", {"message": "queue too deep"})]
    logs = run_worker("scoring", "file_processing", "health", env=env).stderr

    views = [cli(*args, env=env).stdout for job in jobs for args in (("job", "show", job.id), ("job", "show", job.id, "--json"))]
    views += [cli("status", env=env).stdout, cli("failed", "list", env=env).stdout]
    views += _dashboard_pages(env, jobs)
    everything = "\n".join([logs, *views]) + _every_redis_value(redis_conn).decode(errors="replace")
    assert "127.0.0.1:%d" % closed in everything  # the errors do name the services' addresses
    assert [name for name, password in URL_PASSWORDS.items() if password in everything] == []


@pytest.mark.slow
def test_a_pickled_payload_is_never_unpickled(redis_conn, tmp_path):
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    queue = get_queue("health")
    job = queue.enqueue_call("ielts_rq.jobs.health.health_check", description="health_check")
    redis_conn.hset(job.key, "data", zlib.compress(pickle.dumps(("ielts_rq.jobs.health.health_check", None,
                                                                 (Exploit(),), {}))))
    after = enqueue("health_check")
    run_worker("health")
    assert not marker.exists()
    assert JsonJob.fetch(job.id, connection=redis_conn).get_status() == "failed"
    assert JsonJob.fetch(after.id, connection=redis_conn).get_status() == "finished"
    shown = json.loads(cli("failed", "list", "--json").stdout)
    assert [(row["id"], row["job"]) for row in shown] == [(job.id, "<undecodable>")]
    details = json.loads(cli("failed", "show", job.id, "--json").stdout)
    assert details["data"] == "not JSON: refused, never unpickled" and details["args"] is None


def test_the_dashboard_never_unpickles_job_data(redis_conn, tmp_path):
    marker = tmp_path / "pwned-by-dashboard"

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    job = enqueue("health_check")
    redis_conn.hset(job.key, "meta", pickle.dumps({"x": Exploit()}))
    with console_client() as client:
        for page in (f"/rq/0/view/job/{job.id}", f"/rq/0/data/job/{job.id}.json", "/rq/0/data/workers.json"):
            client.get(page)
    assert not marker.exists()
