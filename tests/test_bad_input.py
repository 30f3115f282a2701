"""A corpus of bad inputs for every job: each fails its own job with a clear message.

All of them go onto the queues at once, as a hostile or buggy client could
put them (bypassing the CLI's and enqueue()'s own checks), followed by good
jobs; one worker over every queue runs them all and must keep going.
"""

import uuid

import pytest

from ielts_rq import store
from ielts_rq.jobs import files as file_jobs
from ielts_rq.policies import POLICIES
from ielts_rq.queueing.queues import JsonJob, get_queue
from ielts_rq.storage import get_storage

from . import media_fixtures as mf
from .conftest import cli, run_worker

MISSING_ARG = "missing a required argument"


def _corpus(tmp_path) -> list[tuple[str, tuple, dict, str]]:
    """(job, args, kwargs, what the failure must say)."""
    files = {name: f"bad/{uuid.uuid4().hex}-{name}" for name in
             ("page.png", "text.png", "truncated.jpg", "bomb.png", "empty.png", "noise.wav", "nosamples.wav", "text.mp3")}
    get_storage().put(files["page.png"], mf.image_bytes(mf.text_page("A page in English.")))
    get_storage().put(files["text.png"], b"hello, I am text pretending to be a picture\n" * 20)
    get_storage().put(files["truncated.jpg"], mf.image_bytes(mf.text_page("cut short"), "JPEG")[:600])
    get_storage().put(files["bomb.png"], mf.png_claiming_size(60000, 60000))
    get_storage().put(files["empty.png"], b"")
    get_storage().put(files["noise.wav"], mf.random_bytes(8192))
    get_storage().put(files["nosamples.wav"], mf.silent_wav(0.0))
    get_storage().put(files["text.mp3"], b"ID3 is what I start with but nothing else is audio " * 10)
    in_temp = file_jobs.temp_dir() / f"{uuid.uuid4().hex}.bin"
    in_temp.write_bytes(b"data")
    no_user = store.create_submission(None, "writing_task_2", "An answer with nobody to tell.")
    store.save_user("no-address")
    no_address = store.create_submission("no-address", "writing_task_2", "An answer from a learner with no email.")
    return [
        # scoring
        ("score_submission", (123,), {}, "invalid submission id 123"),
        ("score_submission", (None,), {}, "invalid submission id None"),
        ("score_submission", ("x" * 100,), {}, "invalid submission id"),
        ("score_submission", ("sub_missing",), {}, "submission sub_missing not found"),
        ("score_submission", ("../../etc/passwd",), {}, "invalid submission id"),
        ("score_submission", ({"$gt": ""},), {}, "invalid submission id"),
        ("score_submission", ("\x00\xff\xfe",), {}, "invalid submission id"),
        ("score_submission", (), {}, MISSING_ARG),
        ("score_submission", ("a", "b"), {}, "score_submission: too many positional arguments"),
        ("score_submission", ("a",), {"force": True}, "unexpected keyword argument 'force'"),
        ("score_batch", ([],), {}, "non-empty list"),
        ("score_batch", ("sub_1",), {}, "non-empty list"),
        ("score_batch", ([1, 2],), {}, "invalid submission id 1"),
        ("score_batch", (["s"] * 100_001,), {}, "at most 100,000 submissions"),
        ("generate_feedback", ("",), {}, "invalid submission id ''"),
        ("generate_feedback", ("sub_nope",), {}, "submission sub_nope not found"),
        ("cleanup_old_results", (-1,), {}, "positive whole number of days"),
        ("cleanup_old_results", ("30",), {}, "positive whole number of days"),
        ("cleanup_old_results", (True,), {}, "positive whole number of days"),
        ("cleanup_old_results", (0,), {}, "positive whole number of days"),
        # files
        ("process_image", ("../secret.png",), {}, "invalid storage key"),
        ("process_image", ("/etc/passwd",), {}, "invalid storage key"),
        ("process_image", ("uploads/missing.png",), {}, "not found"),
        ("process_image", (123,), {}, "invalid storage key"),
        ("process_image", (files["text.png"],), {}, "unsupported file type"),
        ("process_image", (files["truncated.jpg"],), {}, "corrupt"),
        ("process_image", (files["bomb.png"],), {}, "pixel"),
        ("process_image", (files["empty.png"],), {}, "empty"),
        ("process_image", (files["page.png"], "klingon"), {}, "unsupported OCR language 'klingon'"),
        ("process_image", (files["text.png"],), {"create_submission": {"task_type": "speaking_part_1"}},
         "create_submission needs a task_type, one of writing_task_1"),
        ("process_image", (files["text.png"],), {"create_submission": "writing_task_2"}, "create_submission needs"),
        ("process_audio", (files["noise.wav"],), {}, "unsupported file type: unknown"),
        ("process_audio", (files["nosamples.wav"],), {}, "no samples"),
        ("process_audio", (files["text.mp3"],), {}, "audio"),
        ("process_audio", ("a\x00b",), {}, "invalid storage key"),
        ("process_audio", (files["noise.wav"],), {"create_submission": {"task_type": "writing_task_2"}},
         "create_submission needs a task_type, one of speaking_part_1"),
        ("upload_to_s3", ("/etc/passwd", "stolen"), {}, "is not inside the temp directory"),
        ("upload_to_s3", ("missing.bin", "k"), {}, "not found in the temp directory"),
        ("upload_to_s3", (None, "k"), {}, "must be a file path inside the temp directory"),
        ("upload_to_s3", (str(in_temp), "../escape"), {}, "invalid storage key"),
        ("cleanup_temp_files", (-5,), {}, "positive whole number of hours"),
        ("cleanup_temp_files", ("24",), {}, "positive whole number of hours"),
        ("process_batch", ([],), {}, "non-empty list"),
        ("process_batch", ("files",), {}, "non-empty list"),
        ("process_batch", ([{"kind": "video", "file_key": "a"}],), {}, "file 0: needs kind image or audio"),
        ("process_batch", ([{"kind": "image", "file_key": "../a"}],), {}, "file 0: invalid storage key"),
        ("process_batch", ([{"kind": "image", "file_key": "a", "shell": "rm -rf /"}],), {}, "unknown field(s) shell"),
        # email
        ("send_welcome_email", ("not-an-address", "Nia"), {}, "invalid email address"),
        ("send_welcome_email", ("a@example.com\r\nBcc: victim@example.com", "Nia"), {}, "invalid email address"),
        ("send_welcome_email", ("a@example.com", ""), {}, "name must be non-empty text"),
        ("send_welcome_email", ("a@example.com", "N" * 1000), {}, "name is 1,000 characters; the limit is 200"),
        ("send_welcome_email", (None, "Nia"), {}, "invalid email address"),
        ("send_welcome_email", ("a@example.com",), {}, MISSING_ARG),
        ("send_scoring_complete", ("sub_missing",), {}, "submission sub_missing not found"),
        ("send_scoring_complete", ("",), {}, "invalid submission id"),
        ("send_scoring_complete", (no_user,), {}, "the submission has no user"),
        ("send_scoring_complete", (no_address,), {}, "user no-address has no email address"),
        ("send_weekly_report", ("nobody",), {}, "user nobody not found"),
        ("send_weekly_report", ("no-address", "2026-11-30"), {}, "has no email address"),
        ("send_weekly_report", ("../admin",), {}, "invalid user id"),
        ("send_generic_email", ("a@example.com", "", "text"), {}, "subject must be non-empty text"),
        ("send_generic_email", ("a@example.com", "Subject", ""), {}, "text must be non-empty text"),
        ("send_generic_email", ("broken", "Subject", "text"), {}, "invalid email address"),
        ("send_generic_email", ("a@example.com", "S", "t"), {"html": 42}, "html must be non-empty text"),
        ("send_batch_emails", ([],), {}, "non-empty list"),
        ("send_batch_emails", ("messages",), {}, "non-empty list"),
        ("send_batch_emails", ([{"kind": "x"}] * 1001,), {}, "at most 1000 messages"),
        # analytics
        ("process_user_analytics", ("u1", "8d"), {}, "is not 7d, 30d, 90d or START..END"),
        ("process_user_analytics", ("../u", "7d"), {}, "invalid user id"),
        ("process_user_analytics", ("u1", "2026-13-01..2026-13-02"), {}, "month must be in 1..12"),
        ("process_user_analytics", ("u1", "7d", "tomorrow"), {}, "today must be an ISO date"),
        ("process_platform_analytics", ("forever",), {}, "is not 7d, 30d, 90d"),
        ("process_platform_analytics", (["7d"],), {}, "date range must be text"),
        ("generate_weekly_report", ("monthly",), {}, "report kind must be one of user, platform"),
        ("generate_weekly_report", ("user",), {}, "a user report needs a user_id"),
        ("generate_weekly_report", ("platform", None, "yesterday"), {}, "today must be an ISO date"),
        ("cleanup_old_analytics", (0,), {}, "positive whole number of days"),
        # health
        ("health_check", ("unexpected",), {}, "health_check: too many positional arguments"),
        ("monitor_queue_depth", (), {"queue": "scoring"}, "unexpected keyword argument 'queue'"),
    ]


@pytest.mark.slow
def test_every_bad_input_fails_its_own_job_with_a_clear_message(redis_conn, tmp_path):
    corpus = _corpus(tmp_path)
    assert len(corpus) >= 60
    bad_jobs = []
    for name, args, kwargs, expected in corpus:
        policy = POLICIES[name]
        queue = get_queue(policy.queue)
        bad_jobs.append((queue.enqueue_call(policy.func, args=args, kwargs=kwargs, description=name), expected))
    good = [get_queue(q).enqueue_call(POLICIES[j].func, args=a, description=j) for q, j, a in
            (("health", "health_check", ()), ("analytics", "process_platform_analytics", ("7d",)),
             ("scoring", "cleanup_old_results", (30,)))]
    result = run_worker(timeout=600)  # the embedded engines: no rate limit applies
    assert "Traceback" not in result.stderr  # one line per failure, no multi-line dumps
    unclear = []
    for job, expected in bad_jobs:
        job = JsonJob.fetch(job.id, connection=redis_conn)
        error = (job.latest_result().exc_string if job.latest_result() else "") or ""
        if job.get_status() != "failed" or expected.lower() not in error.lower():
            unclear.append((job.description, job.args[:1], job.get_status(), error.strip().splitlines()[-1:]))
        if job.get_status() == "failed":
            assert job.retries_left in (None, 0), f"{job.description}: bad input must not be retried"
    assert unclear == [], "\n".join(map(str, unclear))
    assert all(JsonJob.fetch(j.id, connection=redis_conn).get_status() == "finished" for j in good)


def test_template_injection_is_rendered_as_text(redis_conn):
    job = get_queue("email").enqueue_call(POLICIES["send_welcome_email"].func, args=(
        "inject@example.com", "{{ 7 * 7 }}{% for x in range(10**9) %}x{% endfor %}<script>alert(1)</script>"),
        description="send_welcome_email")
    run_worker("email")
    assert JsonJob.fetch(job.id, connection=redis_conn).get_status() == "finished"
    message = json_outbox_message("inject@example.com")
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "{{ 7 * 7 }}" in text and "49" not in text
    assert "&lt;script&gt;" in html and "<script>" not in html


def json_outbox_message(address):
    from ielts_rq import mail

    newest = next(m for m in mail.list_outbox() if m["to"] == address)
    return mail.read_outbox(newest["id"])


@pytest.mark.parametrize("args, error", [
    (["submit", "/dev/null", "--task", "writing_task_2"], "text is empty"),
    (["submit", "-", "--task", "writing_task_9"], "'writing_task_9' is not one of"),
    (["submit", "/no/such/file", "--task", "writing_task_2"], "No such file or directory"),
    (["submit", "-", "--task", "writing_task_2", "--email", "a@example.com"], "give --user too"),
    (["score", "-", "--task", "writing_task_2"], "text is empty"),
    (["result", "../../x"], "invalid submission id"),
    (["enqueue", "score-batch"], "give submission ids or --ids-file"),
    (["enqueue", "cleanup-results", "0"], "0 is not in the range"),
    (["enqueue", "welcome-email", "--email", "x", "--name", "N"], "invalid email address"),
    (["enqueue", "process-image", "k", "--prompt", "p"], "--prompt and --user go with --score"),
    (["enqueue", "weekly-report", "user"], "a user report needs USER_ID"),
    (["enqueue", "user-analytics", "u1", "--range", "9d"], "is not 7d, 30d, 90d"),
    (["report", "platform", "--range", "2026-02-30..2026-03-01"], "day is out of range"),
    (["email", "preview", "nope"], "unknown template 'nope'"),
    (["email", "preview", "welcome", "--data", "[1]"], "--data must be a JSON object"),
    (["outbox", "show", "../../etc/passwd"], "outbox"),
    (["upload", "/no/such/file"], "does not exist"),
    (["schedule", "run", "every-second"], "no schedule entry 'every-second'"),
])
def test_bad_cli_input_exits_2_with_a_clear_message(redis_conn, args, error):
    result = cli(*args, input="")
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert error in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args, error", [
    (["result", "sub_missing"], "submission sub_missing not found"),
    (["enqueue", "score", "sub_missing"], "submission sub_missing not found"),
    (["enqueue", "feedback", "sub_missing"], "submission sub_missing not found"),
    (["batch", "status", "nope"], "batch nope not found"),
    (["job", "show", "no-such-job-id"], "job no-such-job-id not found"),
    (["failed", "show", "no-such-job-id"], "not found"),
])
def test_naming_something_that_does_not_exist_exits_1_and_enqueues_nothing(redis_conn, args, error):
    before = get_queue("scoring").count
    result = cli(*args, input="")
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert error in result.stderr and "Traceback" not in result.stderr
    assert get_queue("scoring").count == before


def test_binary_input_to_submit_is_refused(redis_conn, tmp_path):
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(mf.image_bytes(mf.text_page("x"), "JPEG"))
    result = cli("submit", str(binary), "--task", "writing_task_2")
    assert result.returncode == 2 and "is not UTF-8 text" in result.stderr
