"""Every Redis key ielts-rq reads or writes, named here and nowhere else.

The platform's records live under one prefix (``IELTS_KEY_PREFIX``,
``ielts:`` by default); RQ keeps its own keys under ``rq:``, and the one of
them this system reads directly, a job's hash, is built here too.
"""

from __future__ import annotations

from rq.job import Job

from ..settings import get_settings


def key(*parts) -> str:
    """``key("submission", "abc")`` -> ``"ielts:submission:abc"`` (prefix from settings)."""
    return get_settings().key_prefix + ":".join(str(part) for part in parts)


def rq_job(job_id: str) -> str:
    """RQ's hash of a job (``rq:job:ID``)."""
    return Job.redis_job_namespace_prefix + job_id


# Records: submissions, users, results -----------------------------------------

def user(user_id: str) -> str:
    return key("user", user_id)


def email_opted_out(address: str) -> str:
    """Set: ids of the learners who opted out of email with this (normalised) address."""
    return key("email", "opted_out", address)


def email_opt_outs_indexed() -> str:
    """Set once every learner record written before the address index has been indexed."""
    return key("email", "opted_out_indexed")


def submission(submission_id: str) -> str:
    return key("submission", submission_id)


def submissions_by_user(user_id: str) -> str:
    return key("submissions", "by_user", user_id)


def submissions_by_time() -> str:
    """Sorted set: submission id -> when it was made (its retention is counted from then)."""
    return key("submissions", "by_time")


def submissions_indexed_by_time() -> str:
    """Set once the submissions written before ``submissions_by_time`` existed have been indexed."""
    return key("submissions", "by_time_indexed")


def erased_learner(digest: str) -> str:
    """String, with a TTL: a learner erased lately, by a digest of their id (the id itself is not kept)."""
    return key("erased", digest)


def result(submission_id: str) -> str:
    return key("result", submission_id)


def result_by_content(fingerprint: str) -> str:
    """String, with the results' lifetime: the submission whose result identical content scored by one
    scorer version reuses."""
    return key("result", "by_content", fingerprint)


def reuse_entries_versioned() -> str:
    """Set once the reuse entries written before they carried a scorer version have been deleted."""
    return key("result", "by_content_versioned")


def scoring_service_model(url_digest: str) -> str:
    """String: the model the scoring service at an address (by digest) named in its latest answer."""
    return key("scoring", "service_model", url_digest)


def scoring_claim(submission_id: str) -> str:
    """String, with a TTL: the job now scoring this submission (so no other job scores it at once)."""
    return key("claim", "scoring", submission_id)


def results_by_time() -> str:
    return key("results", "by_time")


def results_by_day(day: str) -> str:
    return key("results", "by_day", day)


def results_by_user(user_id: str) -> str:
    return key("results", "by_user", user_id)


def results_channel() -> str:
    """The pub/sub channel on which every stored result is announced."""
    return key("results")


def analytics(kind: str, subject: str, period: str) -> str:
    return key("analytics", kind, subject, period)


def analytics_by_time() -> str:
    return key("analytics", "by_time")


def batch(batch_id: str) -> str:
    return key("batch", batch_id)


def batch_jobs(batch_id: str) -> str:
    return key("batch", batch_id, "jobs")


def queue_paused(queue: str) -> str:
    """String, on the queue's own server: set while an operator has paused the queue (no worker takes its jobs)."""
    return key("queue", queue, "paused")


def workers_stopping() -> str:
    """Hash, on the worker's server: name of a worker told to stop after its current job -> when it was told."""
    return key("workers", "stopping")


def schedule_paused() -> str:
    """Set: names of the cron entries an operator paused (their ticks are skipped and recorded)."""
    return key("schedule", "paused")


def schedule_claimed() -> str:
    """Hash: cron job id -> the tick a scheduler claimed and has not enqueued yet (the next cycle completes it)."""
    return key("schedule", "claimed")


def schedule_claim_failures() -> str:
    """Hash: job id -> how often the enqueue of its claimed tick failed in a way no retry mends soon."""
    return key("schedule", "claim_failures")


def metrics_bucket(resolution: str, bucket: int) -> str:
    """Hash per minute or hour: ``<queue>:finished|failed|run_seconds|wait_seconds`` (the dashboard's graphs)."""
    return key("metrics", resolution, str(bucket))


def depth_history_hourly() -> str:
    return key("monitor", "depth", "hourly")


def batch_failed_items(batch_id: str) -> str:
    """Hash: item id -> why it failed, for items that failed inside a job that finished."""
    return key("batch", batch_id, "failed")


def batches_by_time() -> str:
    return key("batches", "by_time")


def day_counters(day: str) -> str:
    return key("daily", day)


def day_learners(day: str) -> str:
    return key("daily", day, "learners")


# Jobs and operations ---------------------------------------------------------------

def email_sent(marker: str) -> str:
    return key("email", "sent", marker)


def job_counts() -> str:
    """Jobs finished and failed, and seconds worked, per job name."""
    return key("metrics", "jobs")


def rate_limits() -> str:
    return key("ratelimit")


def schedule_runs(entry: str) -> str:
    return key("schedule", "runs", entry)


def schedule_run_now(entry: str) -> str:
    """String, expiring: the job of an entry's Run now, so a second click moments later enqueues nothing."""
    return key("schedule", "run-now", entry)


def scheduler_alive() -> str:
    return key("scheduler", "alive")


def health_latest() -> str:
    return key("health", "latest")


def health_history() -> str:
    return key("health", "history")


def depth_history() -> str:
    return key("queue_depth", "history")


def alerts() -> str:
    return key("alerts")


def alert_cooldown(queue: str, kind: str) -> str:
    return key("alert", "cooldown", queue, kind)


def incidents() -> str:
    """Hash: each open incident ("queue|kind") -> the alert that opened it; it alerts again only once closed."""
    return key("alert", "incidents")


def conditions_seen() -> str:
    """Hash: a condition the monitor watches (a paused queue, suspended workers) -> when it first saw it."""
    return key("monitor", "seen")


def waiting(queue: str, reason: str) -> str:
    """Sorted set, on the queue's own server: its scheduled jobs that wait for ``reason`` (a rate-limit slot,
    a retry's back-off), each scored by when it was first due (``waiting.py``)."""
    return key("waiting", queue, reason)


def batch_ended(batch_id: str) -> str:
    """Hash: job id of the batch -> "finished" or "failed", written once the job ends for good."""
    return key("batch", batch_id, "ended")


def batch_completion(batch_id: str) -> str:
    """Hash: the batch's job count, and when its completion job was enqueued (set once)."""
    return key("batch", batch_id, "completion")


def job_timeline(job_id: str) -> str:
    """List of JSON events RQ keeps no trace of (deferrals, retried attempts, an operator's actions), on the job's
    own server, capped; it expires no sooner than the job's hash (queueing/timeline.py)."""
    return key("job", job_id, "timeline")


def ocr_pages(job_id: str) -> str:
    """Hash: the pages an OCR job has read so far ("digest" of its file, then page number -> JSON)."""
    return key("ocr", job_id, "pages")
