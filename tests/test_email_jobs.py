"""Email jobs on the project's own worker, run in the test process, against a real SMTP server (aiosmtpd)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from aiosmtpd.controller import Controller

from ielts_rq import PermanentError, enqueue, store
from ielts_rq.jobs import scoring as scoring_jobs
from ielts_rq.queueing import keys
from ielts_rq.queueing.queues import JsonJob, get_queue

from .conftest import ROOT, cli, enqueue_past_the_door, wait_for
from .inprocess import work_in_process
from .essays import GOOD_ESSAY, PROMPT
from .smtp_stub import Collector, free_port

APP_URL = "https://practice.example.org"


@pytest.fixture
def smtp():
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.env = {"EMAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(controller.port),
                   "SMTP_SECURITY": "none", "APP_URL": APP_URL, "FROM_EMAIL": "coach@practice.example.org",
                   "FROM_NAME": "IELTS Coach", "RATE_LIMITS": "smtp=100000"}
    yield handler
    controller.stop()


def _job(job_id, connection):
    return JsonJob.fetch(job_id, connection=connection)


def test_welcome_email_arrives(redis_conn, smtp):
    job_id = cli("enqueue", "welcome-email", "--email", "amira@example.com", "--name", "Amira").stdout.strip()
    work_in_process("email", env=smtp.env)
    assert _job(job_id, redis_conn).get_status() == "finished"
    [message] = smtp.messages()
    assert message["From"] == "IELTS Coach <coach@practice.example.org>"
    assert message["To"] == "amira@example.com"
    assert "Amira" in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None
    assert "amira@example.com" not in _job(job_id, redis_conn).description


def test_scoring_complete_email_after_scoring(redis_conn, smtp):
    store.save_user("learner-9", email="noor@example.com", name="Noor")
    submission_id = store.create_submission("learner-9", "writing_task_2", GOOD_ESSAY, PROMPT)
    enqueue("score_submission", submission_id)
    work_in_process("scoring", "email", env=smtp.env)
    [message] = smtp.messages()
    result = store.get_result(submission_id)
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert message["To"] == "noor@example.com"
    assert f"{result['overall_band_score']:.1f}" in message["Subject"]
    assert f"{APP_URL}/results/{submission_id}" in html and f"{APP_URL}/results/{submission_id}" in text
    assert "<table" in html and "Task Response" in html and "Lexical Resource" in text


def test_opted_out_learner_gets_no_scoring_email(redis_conn, smtp):
    store.save_user("learner-10", email="quiet@example.com", email_opt_in=False)
    submission_id = store.create_submission("learner-10", "writing_task_2", GOOD_ESSAY, PROMPT)
    scoring_jobs.score_submission(submission_id)
    work_in_process("email", env=smtp.env)
    assert smtp.messages() == []
    job = _job(f"send_scoring_complete-{submission_id}", redis_conn)
    assert job.return_value()["skipped"] == "the learner opted out of email"


def test_a_retried_job_does_not_send_twice(redis_conn, smtp):
    job = enqueue("send_welcome_email", "twice@example.com", "Twice")
    work_in_process("email", env=smtp.env)
    # The same job id runs again, as a retry after a crash would.
    get_queue("email").enqueue_call(job.func_name, args=job.args, job_id=job.id, description=job.description)
    work_in_process("email", env=smtp.env)
    assert len(smtp.messages()) == 1
    assert "already sent" in _job(job.id, redis_conn).return_value()["skipped"]


def test_weekly_report_email(redis_conn, smtp):
    store.save_user("learner-11", email="weekly@example.com", name="Wei")
    job_id = cli("enqueue", "weekly-report-email", "learner-11").stdout.strip()
    work_in_process("email", env=smtp.env)
    assert _job(job_id, redis_conn).get_status() == "finished"
    [message] = smtp.messages()
    assert "Wei" in message.get_body(("plain",)).get_content()


@pytest.mark.parametrize("args, error", [
    (["welcome-email", "--email", "not-an-address", "--name", "X"], "invalid email address"),
    (["generic-email", "--to", "a@example.com", "--subject", "Hi"], "give --text or --html-file"),
])
def test_bad_email_input_is_refused_by_the_cli(server, args, error):
    result = cli("enqueue", *args)
    assert result.returncode == 2 and error in result.stderr


@pytest.mark.parametrize("job, args, error", [
    ("send_welcome_email", ("a@b.com\r\nBcc: evil@example.com", "X"), "invalid email address"),
    ("send_scoring_complete", ("sub_missing",), "submission sub_missing not found"),
    ("send_weekly_report", ("nobody",), "user nobody not found"),
    ("send_batch_emails", ([],), "non-empty list"),
    ("send_generic_email", ("a@example.com", "", "body"), "subject must be non-empty"),
])
def test_bad_email_jobs_fail_alone_with_a_reason(redis_conn, smtp, job, args, error):
    bad = enqueue_past_the_door(job, *args)  # enqueue() refuses most of these at the door
    good = enqueue("send_welcome_email", "fine@example.com", "Fine")
    work_in_process("email", env=smtp.env)
    failed = _job(bad.id, redis_conn)
    assert failed.get_status() == "failed"
    assert error in failed.latest_result().exc_string
    assert _job(good.id, redis_conn).get_status() == "finished"
    assert [m["To"] for m in smtp.messages()] == ["fine@example.com"]


def test_batch_of_1000_with_three_bad_entries(redis_conn, smtp, tmp_path):
    lines = [{"kind": "generic", "to": f"learner{n}@example.com", "subject": "Practice", "text": f"Hello {n}"}
             for n in range(1000)]
    lines[10] = {"kind": "generic", "to": "broken-address", "subject": "x", "text": "y"}
    lines[500] = {"kind": "carrier-pigeon", "to": "a@example.com"}
    lines[999] = {"kind": "welcome", "email": "b@example.com"}  # no name
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(json.dumps(line) for line in lines))
    job_id = cli("enqueue", "batch-emails", str(batch)).stdout.strip()
    work_in_process("email", env=smtp.env)
    result = _job(job_id, redis_conn).return_value()
    assert result["sent"] == 997 and result["failed"] == 3
    assert [f["index"] for f in result["failures"]] == [10, 500, 999]
    assert "invalid email address" in result["failures"][0]["error"]
    assert len(smtp.messages()) == 997
    assert smtp.connections == 1  # one SMTP connection for the whole batch


def test_email_preview_and_outbox(redis_conn, tmp_path):
    out = tmp_path / "preview.html"
    preview = cli("email", "preview", "scoring_complete", "--data", '{"name": "<b>Bold</b>"}', "--out", str(out))
    assert preview.returncode == 0, preview.stderr
    assert "&lt;b&gt;Bold&lt;/b&gt;" in out.read_text()
    for name, charts in (("weekly_report", 1), ("platform_report", 2)):  # the charts show in a browser too
        cli("email", "preview", name, "--out", str(out))
        page = out.read_text()
        assert page.count('src="data:image/png;base64,') == charts and "cid:" not in page, name
    assert "ADMIN_EMAILS" in page and "Email preferences" not in page  # the admin report's own footer
    enqueue("send_welcome_email", "outbox@example.com", "Olu")
    work_in_process("email")
    listed = json.loads(cli("outbox", "list", "--json").stdout)
    newest = listed[0]
    assert newest["to"] == "outbox@example.com"
    shown = cli("outbox", "show", newest["id"])
    assert "Olu" in shown.stdout and "Subject:" in shown.stdout
    assert cli("outbox", "show", "../../etc/passwd").returncode == 2


def test_weekly_reports_go_out_every_week_not_once_a_month(redis_conn, smtp):
    store.save_user("weekly-learner", email="every-week@example.com", name="Wen")
    for monday in ("2026-11-16", "2026-11-23"):
        enqueue("send_weekly_report", "weekly-learner", monday)
        work_in_process("email", env=smtp.env)
    assert [m["To"] for m in smtp.messages()] == ["every-week@example.com"] * 2


def test_bulk_enqueue_never_queues_a_pending_unique_job_twice(redis_conn):
    from ielts_rq.queueing.enqueue import enqueue_many

    first = enqueue("send_scoring_complete", "sub_pending")
    assert enqueue_many("send_scoring_complete", [(("sub_pending",), {}), (("sub_other",), {})]) == [
        "send_scoring_complete-sub_other"]
    assert get_queue("email").job_ids == [first.id, "send_scoring_complete-sub_other"]


def test_the_platform_report_to_many_admins_keeps_to_the_mail_relays_rate_limit(redis_conn, smtp):
    admins = ",".join(f"admin{n}@example.com" for n in range(8))
    env = {**os.environ, **smtp.env, "ADMIN_EMAILS": admins, "RATE_LIMITS": "smtp=3"}
    job = enqueue("send_platform_report")
    worker = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", "email"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert wait_for(lambda: len(smtp.envelopes) >= 3, 30)
        time.sleep(1)  # a fourth message would follow the third at once without a limit
        sent = len(smtp.envelopes)
        assert _job(job.id, redis_conn).get_status() == "started"  # the rest wait their turn in the job
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    assert sent == 3  # three a minute


def test_emails_to_the_local_outbox_are_not_rate_limited(redis_conn):
    jobs = [enqueue("send_generic_email", f"learner{n}@example.com", "Practice", f"Hello {n}") for n in range(12)]
    admins = ",".join(f"admin{n}@example.com" for n in range(8))
    report = enqueue("send_platform_report")
    result = work_in_process("email", env={"RATE_LIMITS": "email=3", "ADMIN_EMAILS": admins})  # the old form too
    assert "job started" in result.stderr and "deferred" not in result.stderr  # the log is there, and says no wait
    assert all(_job(job.id, redis_conn).get_status() == "finished" for job in [*jobs, report])
    assert _job(report.id, redis_conn).return_value()["sent"] == 8


def _delivered_to(address: str) -> list[dict]:
    listed = cli("outbox", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    return [message for message in json.loads(listed.stdout) if message["to"].lower() == address.lower()]


def test_an_opted_out_address_gets_nothing_whichever_job_names_it(redis_conn):
    store.save_user("learner-quiet", email="Quiet.Learner@Example.com", name="Quinn", email_opt_in=False)
    # The same person under another account, opted in: the address decides, not the account.
    store.save_user("learner-alias", email="quiet.learner@example.com", name="Quinn")
    submission_id = store.create_submission("learner-alias", "writing_task_2", GOOD_ESSAY, PROMPT)
    scoring_jobs.score_submission(submission_id)  # enqueues the scoring-complete email
    variants = ["quiet.learner@example.com", "QUIET.LEARNER@EXAMPLE.COM", "Quiet.Learner@example.com"]
    skipped = [enqueue("send_generic_email", to, "News", "Hello") for to in variants]
    skipped += [enqueue("send_generic_email", variants[1], "News", "Hello", user_id="learner-alias"),
                enqueue("send_welcome_email", variants[2], "Quinn"),
                enqueue("send_weekly_report", "learner-alias", "2026-11-30")]
    batch = enqueue("send_batch_emails", [{"kind": "generic", "to": to, "subject": "News", "text": "Hello"}
                                          for to in variants] + [{"kind": "welcome", "email": variants[0],
                                                                  "name": "Quinn"}])
    for to in (" quiet.learner@example.com ", "Quinn <quiet.learner@example.com>"):  # not plain addresses
        with pytest.raises(PermanentError, match="invalid email address"):  # refused at the door, never sent
            enqueue("send_generic_email", to, "News", "Hello")
    essential = enqueue("send_generic_email", variants[1], "Your password was changed", "It was.", essential=True)
    work_in_process("email")
    skipped.append(_job(f"send_scoring_complete-{submission_id}", redis_conn))
    for job in skipped:
        assert _job(job.id, redis_conn).return_value()["skipped"] == "the learner opted out of email", job.func_name
    assert [m.get("skipped") for m in _job(batch.id, redis_conn).return_value()["messages"]] == [
        "the learner opted out of email"] * 4
    assert _job(essential.id, redis_conn).get_status() == "finished"
    assert [m["subject"] for m in _delivered_to("quiet.learner@example.com")] == ["Your password was changed"]


def test_an_opt_out_holds_for_every_spelling_of_one_mailbox(redis_conn):
    # Each of these reaches the same mailbox: quotes around the local part are dropped when the message
    # is built, and a domain is the same in its Unicode and its ASCII (IDNA) form.
    store.save_user("learner-ann", email="Ann.Lee@bücher.de", name="Ann", email_opt_in=False)
    spellings = ['"ann.lee"@bücher.de', "ann.lee@xn--bcher-kva.de", "ANN.LEE@BÜCHER.DE", '"Ann.Lee"@XN--BCHER-KVA.DE']
    jobs = [enqueue("send_generic_email", to, "News", "Hello") for to in spellings]
    jobs.append(enqueue("send_welcome_email", spellings[0], "Ann"))
    work_in_process("email")
    for job in jobs:
        assert _job(job.id, redis_conn).return_value()["skipped"] == "the learner opted out of email"
    assert not _delivered_to("ann.lee@xn--bcher-kva.de") and not _delivered_to("ann.lee@bücher.de")


def test_an_opt_out_follows_the_learner_s_changes_of_address_and_mind(redis_conn):
    store.save_user("learner-mover", email="old.box@example.com", email_opt_in=False)
    store.update_user("learner-mover", email="New.Box@example.com")  # the opt-out moves with the learner
    assert (store.address_opted_out("old.box@example.com"), store.address_opted_out("new.box@example.com")) == (
        False, True)
    first = [enqueue("send_generic_email", to, "News", "Hello") for to in ("old.box@example.com",
                                                                          "new.box@example.com")]
    work_in_process("email")
    assert _job(first[0].id, redis_conn).return_value()["to"] == "old.box@example.com"  # sent
    assert _job(first[1].id, redis_conn).return_value()["skipped"] == "the learner opted out of email"
    store.update_user("learner-mover", email_opt_in=True)  # changed their mind: mail again
    again = enqueue("send_generic_email", "NEW.BOX@example.com", "News", "Hello")
    work_in_process("email")
    assert _job(again.id, redis_conn).return_value()["to"] == "NEW.BOX@example.com"
    assert len(_delivered_to("new.box@example.com")) == 1


def test_opt_outs_stored_before_the_address_index_are_honoured(redis_conn):
    # A learner record written before opt-outs were indexed by address (the record alone).
    redis_conn.set(keys.user("learner-before"), json.dumps({"id": "learner-before", "email": "Before@example.com",
                                                            "name": None, "email_opt_in": False}))
    job = enqueue("send_generic_email", "before@example.com", "News", "Hello")
    work_in_process("email")
    assert _job(job.id, redis_conn).return_value()["skipped"] == "the learner opted out of email"
