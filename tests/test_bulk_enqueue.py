"""``ielts-rq enqueue JOB --from-file``: bounded reading, one job per line however often it is run or
however many run at once, and an exact account when Redis refuses part of it."""

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ielts_rq import enqueue, mail, store
from ielts_rq.queueing.queues import JsonJob, get_queue

from .conftest import ROOT, cli, run_worker

LINES = 20_000


def test_a_full_redis_says_what_was_queued_and_a_rerun_queues_only_the_rest(redis_conn, tmp_path):
    people = tmp_path / "people.txt"
    people.write_text("".join(f"learner{n}@example.com Learner{n}\n" for n in range(LINES)))
    used = redis_conn.info("memory")["used_memory"]
    redis_conn.config_set("maxmemory", used + 6 * 1024 * 1024)  # room for a few thousand jobs, not 20,000
    try:
        stopped = cli("enqueue", "welcome-email", "--from-file", str(people))
    finally:
        redis_conn.config_set("maxmemory", "0")
    assert stopped.returncode == 1, stopped.stderr
    assert stopped.stderr.strip().count("\n") == 0, stopped.stderr
    written = re.search(r"lines 1-([\d,]+) of 20,000 are queued \(([\d,]+) new jobs\)", stopped.stderr)
    assert written, stopped.stderr
    queued = get_queue("email").count
    assert 0 < queued < LINES and int(written[2].replace(",", "")) == queued
    assert int(written[1].replace(",", "")) == queued  # every line up to there, none after

    rerun = cli("enqueue", "welcome-email", "--from-file", str(people))
    assert rerun.returncode == 0, rerun.stderr
    assert f"enqueued {LINES - queued} jobs" in rerun.stdout and f"{queued:,} already queued" in rerun.stdout
    job_ids = get_queue("email").job_ids
    assert len(job_ids) == LINES == len(set(job_ids))
    addresses = [job.args[0] for job in JsonJob.fetch_many(job_ids, connection=redis_conn)]
    assert sorted(addresses) == sorted(f"learner{n}@example.com" for n in range(LINES))


def test_the_same_line_twice_in_a_file_is_two_jobs_and_a_rerun_adds_none(redis_conn, tmp_path):
    calls = tmp_path / "calls.txt"
    calls.write_text("[]\n[]\n")
    assert "enqueued 2 jobs" in cli("enqueue", "health-check", "--from-file", str(calls)).stdout
    assert "enqueued 0 jobs" in cli("enqueue", "health-check", "--from-file", str(calls)).stdout
    assert get_queue("health").count == 2


@pytest.mark.parametrize("command, queue, line, job_id", [
    ("score", "scoring", "sub_{:06d}", "score_submission-sub_{:06d}"),  # one pending job per submission
    ("welcome-email", "email", "learner{0}@example.com Learner{0}", None),  # one job per line of the file
])
def test_concurrent_bulk_enqueues_of_one_file_queue_each_line_once(redis_conn, tmp_path, command, queue, line,
                                                                     job_id):
    count = 6000 if command == "score" else 3000
    listing = tmp_path / "lines.txt"
    listing.write_text("".join(line.format(n) + "\n" for n in range(count)))
    argv = [sys.executable, "-m", "ielts_rq.cli", "enqueue", command, "--from-file", str(listing)]
    runs = [subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    for run in runs:
        out, err = run.communicate(timeout=180)
        assert run.returncode == 0, err
    job_ids = get_queue(queue).job_ids
    assert len(job_ids) == count == len(set(job_ids))
    if job_id:
        assert set(job_ids) == {job_id.format(n) for n in range(count)}
    else:
        lines = [" ".join(job.args) for job in JsonJob.fetch_many(job_ids, connection=redis_conn)]
        assert sorted(lines) == sorted(line.format(n) for n in range(count))


def test_the_api_queues_a_pending_submission_once_however_often_it_is_asked(redis_conn):
    submission_id = store.create_submission("learner-1", "writing_task_2", "An answer to score once. " * 20)
    jobs = []
    threads = [threading.Thread(target=lambda: jobs.append(enqueue("score_submission", submission_id)))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert enqueue("score_submission", submission_id).id == jobs[0].id
    assert {job.id for job in jobs} == {f"score_submission-{submission_id}"}
    assert get_queue("scoring").job_ids == [f"score_submission-{submission_id}"]


# The command under a 4 GB address-space cap (a reader that grows without bound fails instead of taking the
# machine), reporting its own peak: the kernel's ru_maxrss of a child also keeps the peak of the process it
# was forked from (this test process, hundreds of MB after the chart tests), whatever it executes next.
_MEASURED = """
import atexit, os, resource, runpy, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
def report_peak():
    with open("/proc/self/status") as status, open(os.environ["PEAK_FILE"], "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
atexit.register(report_peak)
sys.argv = ["ielts-rq", *sys.argv[1:]]
runpy.run_module("ielts_rq.cli", run_name="__main__")
"""


def _run_measured(args, err_path, stdin=None, timeout=120):
    """Run ``ielts-rq ARGS``; its exit code, stderr, and its peak resident memory in MiB."""
    peak_file = Path(f"{err_path}.peak")
    with open(err_path, "w+") as err:
        process = subprocess.Popen([sys.executable, "-c", _MEASURED, *args], cwd=ROOT, stdin=stdin,
                                   stdout=subprocess.DEVNULL, stderr=err,
                                   env={**os.environ, "PEAK_FILE": str(peak_file)})
        try:  # the bound is for a hang: a busy machine may take seconds to start the command
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        err.seek(0)
        peak = int(peak_file.read_text()) / 1024 if peak_file.exists() else float("inf")
        return process.returncode, err.read(), peak


@pytest.fixture
def hostile_files(tmp_path):
    fifo = tmp_path / "ids.fifo"
    os.mkfifo(fifo)  # nothing writes to it: opening it to read would wait for ever
    sparse = tmp_path / "sparse.txt"
    with sparse.open("wb") as handle:
        handle.truncate(129 << 20)  # one MiB over the limit, holding nothing
    giant = tmp_path / "giant.txt"
    with giant.open("wb") as handle:
        for _ in range(12):  # 12 MiB with no line break
            handle.write(b"x" * (1 << 20))
        handle.write(b"\n")
    return {"/dev/zero": "is not a regular file", str(fifo): "is not a regular file",
            str(tmp_path): "is not a regular file", str(sparse): "the limit is 128 MB",
            str(giant): "line 1 is longer than 4 MB"}


MAX_RSS_MIB = 200  # the command's own imports take about 70 MiB


def test_from_file_takes_regular_files_of_bounded_size_read_line_by_line(redis_conn, hostile_files, tmp_path):
    err_path = tmp_path / "stderr"
    for path, message in hostile_files.items():
        code, err, rss = _run_measured(["enqueue", "weekly-report-email", "--from-file", path], err_path)
        assert code == 2, (path, err)
        assert message in err and err.strip().count("\n") == 0, (path, err)
        assert rss < MAX_RSS_MIB, (path, rss)
    with open("/dev/zero", "rb") as zeros:  # standard input has the same bounds
        code, err, rss = _run_measured(["enqueue", "weekly-report-email", "--from-file", "-"], err_path,
                                       stdin=zeros)
    assert code == 2 and "line 1 is longer than 4 MB" in err, err
    assert rss < MAX_RSS_MIB, rss
    assert redis_conn.keys("rq:job:*") == []


@pytest.mark.parametrize("args", [["score-batch", "--ids-file"], ["batch-emails"], ["process-batch"],
                                  ["generic-email", "--to", "a@example.com", "--subject", "Hi", "--html-file"]])
def test_every_file_a_command_reads_has_the_same_bounds(redis_conn, tmp_path, args):
    fifo = tmp_path / "input.fifo"
    os.mkfifo(fifo)
    for path in ("/dev/zero", str(fifo)):
        code, err, rss = _run_measured(["enqueue", *args, path], tmp_path / "stderr")
        assert code == 2 and "is not a regular file" in err, (path, err)
        assert rss < MAX_RSS_MIB, (path, rss)


def test_from_file_reads_standard_input(redis_conn):
    result = cli("enqueue", "weekly-report-email", "--from-file", "-", input="learner-1\nlearner-2\n")
    assert result.returncode == 0 and "enqueued 2 jobs" in result.stdout, result.stderr


def test_generic_email_from_a_file(redis_conn, tmp_path):
    messages = tmp_path / "messages.txt"
    messages.write_text(
        '{"to": "ann@example.com", "subject": "Maintenance on Sunday", "text": "We stop at 02:00 UTC."}\n'
        '["bo@example.com", "Your account", "Your plan renews soon.", null, null, true]\n')
    result = cli("enqueue", "generic-email", "--from-file", str(messages))
    assert result.returncode == 0 and "enqueued 2 jobs" in result.stdout, result.stderr
    run_worker("email")
    sent = {message["to"]: message["subject"] for message in mail.list_outbox()}
    assert sent["ann@example.com"] == "Maintenance on Sunday" and sent["bo@example.com"] == "Your account"

    messages.write_text('{"to": "cy@example.com", "subject": "Hello", "text": "Hi."}\n{"to": "dee@example.com"}\n')
    result = cli("enqueue", "generic-email", "--from-file", str(messages))
    assert result.returncode == 2 and "line 2: send_generic_email: missing a required argument: 'subject'" \
        in result.stderr, result.stderr
    result = cli("enqueue", "generic-email", "--to", "a@example.com", "--from-file", str(messages))
    assert result.returncode == 2 and "not both" in result.stderr
    result = cli("enqueue", "generic-email", "--text", "no address")
    assert result.returncode == 2 and "give --to and --subject" in result.stderr
    assert get_queue("email").count == 0
