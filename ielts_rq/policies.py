"""The queues, their settings, and every job's policy: the one table the system reads.

Nothing else in ielts-rq names a queue, a timeout or a retention period:
``enqueue()``, the workers, the scheduler, the alerts, the settings and the
CLI all read this module. It is plain data with no imports of RQ or Redis,
so every layer can read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import NotFound

MINUTE, HOUR, DAY = 60, 3600, 86400
WEEK = 7 * DAY


@dataclass(frozen=True)
class QueueSettings:
    """What belongs to a queue, whatever job runs on it."""

    depth_alert: int  # waiting jobs before an alert (QUEUE_DEPTH_THRESHOLDS overrides)
    wait_alert: int  # seconds the oldest waiting job may wait before an alert (QUEUE_WAIT_THRESHOLDS)
    # Megabytes of heap a forked work horse may allocate (MEMORY_LIMITS overrides): past it the job
    # fails with MemoryError instead of the machine running out. The OCR engine, a child process of
    # the horse, has the same ceiling of its own.
    memory_limit: int = 1024
    # A function a worker on this queue calls once before its first job (dotted path), so
    # that forked horses inherit what it loads.
    preload: str | None = None


# In priority order: a worker on several queues takes from the first non-empty one.
QUEUE_SETTINGS: dict[str, QueueSettings] = {
    "scoring": QueueSettings(depth_alert=1000, wait_alert=300,
                             preload="ielts_rq.scoring.warm_up"),
    "file_processing": QueueSettings(depth_alert=200, wait_alert=900, memory_limit=2048,
                                     preload="ielts_rq.jobs.files.warm_up"),
    "email": QueueSettings(depth_alert=2000, wait_alert=600, memory_limit=512),
    "analytics": QueueSettings(depth_alert=200, wait_alert=1800),
    "health": QueueSettings(depth_alert=20, wait_alert=300, memory_limit=512),
}
QUEUES = tuple(QUEUE_SETTINGS)

# Rate limits protect the outside providers a job may call, not the queues: jobs per minute the whole
# platform (all workers) sends each provider; over it a job waits for a slot, it does not fail.
# RATE_LIMITS overrides them (``scoring-service=30,sendgrid=600``, or another window: ``ocr-service=5/s``). The embedded engines (the built-in
# scorer, Tesseract, PocketSphinx, the local outbox) run on the platform's own machines: no limit.
PROVIDER_RATE_LIMITS: dict[str, int] = {
    "scoring-service": 60,  # SCORING_SERVICE_URL
    "ocr-service": 30,  # OCR_SERVICE_URL
    "speech-service": 30,  # SPEECH_SERVICE_URL
    "sendgrid": 100,  # EMAIL_BACKEND=sendgrid
    "smtp": 100,  # EMAIL_BACKEND=smtp
}
PROVIDERS = tuple(PROVIDER_RATE_LIMITS)
# What a job may call, and which provider that is for each setting (ratelimit.provider_of picks one).
BACKENDS = ("scorer", "ocr", "speech", "mail")

# How long records are kept: the cleanup jobs' defaults, which the cron table and the CLI use.
RESULTS_KEPT_DAYS = 30
SUBMISSIONS_KEPT_DAYS = 30  # after the submission was made: as long as its result, so no result outlives it
COUNTERS_KEPT_DAYS = 400  # per-day platform counters: a year of history, and a margin
# The dashboard's time series: per-minute buckets for the last hour, per-hour buckets for the week.
METRICS_BUCKETS = {"minute": (60, 2 * HOUR), "hour": (3600, 8 * DAY)}  # seconds per bucket, kept for
ANALYTICS_KEPT_DAYS = 90
TEMP_FILES_KEPT_HOURS = 24
STORED_FILES_KEPT_DAYS = 30  # uploads (images, PDFs, recordings) and report charts in storage
OUTBOX_KEPT_DAYS = 30  # messages in the outbox folder (EMAIL_BACKEND=outbox)
EMAIL_MARKERS_KEPT_DAYS = 30  # "already sent" markers of the email jobs
ERASURE_TOMBSTONE_SECONDS = DAY  # longer than any job for an erased learner may still run (timeouts, retries)


@dataclass(frozen=True)
class Retention:
    """How long one kind of record stays, where it lives, and what removes it."""

    seconds: int
    where: str
    counted_from: str
    removed_by: str


# Every kind of record that holds a learner's data. ``cleanup_old_results`` (the nightly cron entry)
# enforces the rows it names; the others expire by a Redis TTL set when they are written.
RETENTION: dict[str, Retention] = {
    "submission": Retention(SUBMISSIONS_KEPT_DAYS * DAY, "Redis: submission, submissions by learner and time",
                            "submitted", "cleanup_old_results"),
    "result": Retention(RESULTS_KEPT_DAYS * DAY, "Redis: result, results by learner, day and time",
                        "scored", "cleanup_old_results"),
    "reuse_entry": Retention(RESULTS_KEPT_DAYS * DAY, "Redis: result by content fingerprint", "scored",
                             "cleanup_old_results (with its result), and a TTL"),
    "analytics": Retention(ANALYTICS_KEPT_DAYS * DAY, "Redis: analytics records and their time index",
                           "computed", "cleanup_old_results and cleanup_old_analytics"),
    "stored_file": Retention(STORED_FILES_KEPT_DAYS * DAY, "storage: uploads and report charts (files/ or S3)",
                             "stored", "cleanup_old_results"),
    "outbox_message": Retention(OUTBOX_KEPT_DAYS * DAY, "the outbox folder ($IELTS_RQ_HOME/outbox)", "sent",
                                "cleanup_old_results"),
    "email_marker": Retention(EMAIL_MARKERS_KEPT_DAYS * DAY, "Redis: email sent markers", "sent", "a TTL"),
    "daily_learners": Retention(COUNTERS_KEPT_DAYS * DAY, "Redis: per-day counters and active-learner sets",
                                "the day", "a TTL"),
    "finished_job": Retention(WEEK, "Redis: RQ job hashes and results (each job's result_ttl, at most)",
                              "finished", "RQ (a TTL), cleanup_old_results tidies the registries"),
    "failed_job": Retention(2 * WEEK, "Redis: RQ failed registries (each job's failure_ttl, at most)", "failed",
                            "RQ (a TTL), cleanup_old_results tidies the registries"),
    "temp_file": Retention(TEMP_FILES_KEPT_HOURS * HOUR, "the temp folder ($IELTS_RQ_HOME/tmp)", "written",
                           "cleanup_temp_files"),
    "erasure_tombstone": Retention(ERASURE_TOMBSTONE_SECONDS, "Redis: erased learner (a digest, not the id)",
                                   "erased", "a TTL"),
}


@dataclass(frozen=True)
class JobPolicy:
    func: str  # dotted path of the plain function the worker imports
    queue: str
    timeout: int  # seconds before the work horse is killed
    result_ttl: int  # seconds a finished job's result is kept
    failure_ttl: int  # seconds a failed job stays in the failed registry
    retry_intervals: tuple[int, ...] = ()  # seconds before each retry of a transient failure, growing
    # Each retry waits a random share of its interval, from 1 - jitter of it to all of it (queueing/backoff.py),
    # so jobs that failed together do not come back together.
    retry_jitter: float = 0.5
    # Positional arguments are ids or numbers, safe to show in the job's
    # description; False where they may carry user text or addresses.
    describe_args: bool = True
    # One pending job per first argument (a submission id): asking twice while
    # it waits or runs gives back the same job.
    unique: bool = False
    # The record the first argument names ("submission"), which must exist when the job is enqueued:
    # ``enqueue()`` refuses a job for a missing one instead of leaving it to fail on a worker.
    record: str | None = None
    # The backend the job calls once per run (BACKENDS): when an outside provider is configured for
    # it, each run takes a slot of that provider's rate limit before it starts.
    calls: str | None = None
    # The job's own check of its arguments (dotted path of a function in its module that takes the job's
    # parameters and raises PermanentError with what was wrong), run at the door: ``enqueue()`` and
    # ``ielts-rq enqueue`` refuse what the job would refuse, before anything is queued. A path, not the
    # function: this table sits below the jobs, and the check is imported only when a job is enqueued.
    door_check: str | None = None

    @property
    def name(self) -> str:
        return self.func.rsplit(".", 1)[1]


def _policy(module: str, name: str, queue: str, door_check: str | None = None, **kwargs) -> tuple[str, JobPolicy]:
    path = f"ielts_rq.jobs.{module}."
    return name, JobPolicy(func=path + name, queue=queue, door_check=door_check and path + door_check, **kwargs)


_TRANSIENT = (10, 60, 300)  # 10 s, 1 min, 5 min: rides out a service restart
_EMAIL_RETRIES = (10, 60, 300, 900)  # a mail server can be down for longer

POLICIES: dict[str, JobPolicy] = dict([
    _policy("scoring", "score_submission", "scoring", timeout=120, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_TRANSIENT, unique=True, record="submission", calls="scorer"),
    _policy("scoring", "score_submissions", "scoring", timeout=600, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_TRANSIENT, describe_args=False, calls="scorer"),
    _policy("scoring", "score_batch", "scoring", timeout=600, result_ttl=WEEK, failure_ttl=2 * WEEK,
            retry_intervals=(30,), describe_args=False, door_check="check_score_batch"),
    _policy("scoring", "generate_feedback", "scoring", timeout=120, result_ttl=DAY, failure_ttl=WEEK,
            retry_intervals=_TRANSIENT, unique=True, record="submission", calls="scorer"),
    _policy("scoring", "cleanup_old_results", "scoring", timeout=600, result_ttl=DAY, failure_ttl=WEEK,
            retry_intervals=(60,), door_check="check_cleanup_old_results"),
    # OCR of a 20-page PDF and a 10-minute recording both fit in these timeouts.
    _policy("files", "process_image", "file_processing", timeout=600, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_TRANSIENT, calls="ocr", door_check="check_process_image"),
    _policy("files", "process_audio", "file_processing", timeout=600, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_TRANSIENT, calls="speech", door_check="check_process_audio"),
    _policy("files", "upload_to_s3", "file_processing", timeout=300, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_TRANSIENT, describe_args=False, door_check="check_upload_to_s3"),
    _policy("files", "cleanup_temp_files", "file_processing", timeout=300, result_ttl=DAY, failure_ttl=WEEK,
            retry_intervals=(60,), door_check="check_cleanup_temp_files"),
    _policy("files", "process_batch", "file_processing", timeout=300, result_ttl=WEEK, failure_ttl=2 * WEEK,
            retry_intervals=(30,), describe_args=False, door_check="check_process_batch"),
    _policy("email", "send_welcome_email", "email", timeout=60, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_EMAIL_RETRIES, describe_args=False, calls="mail", door_check="check_welcome_email"),
    _policy("email", "send_scoring_complete", "email", timeout=60, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_EMAIL_RETRIES, unique=True, calls="mail"),
    _policy("email", "send_weekly_report", "email", timeout=120, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_EMAIL_RETRIES, unique=True, calls="mail"),
    _policy("email", "send_generic_email", "email", timeout=60, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_EMAIL_RETRIES, describe_args=False, calls="mail", door_check="check_generic_email"),
    # Ten minutes of sending at 100 a minute, and room to spare.
    _policy("email", "send_batch_emails", "email", timeout=1200, result_ttl=WEEK, failure_ttl=2 * WEEK,
            retry_intervals=_EMAIL_RETRIES, describe_args=False, calls="mail", door_check="check_batch_emails"),
    _policy("email", "send_platform_report", "email", timeout=300, result_ttl=WEEK, failure_ttl=2 * WEEK,
            retry_intervals=_EMAIL_RETRIES, calls="mail"),
    _policy("email", "send_weekly_reports", "email", timeout=600, result_ttl=WEEK, failure_ttl=2 * WEEK,
            retry_intervals=_TRANSIENT),
    _policy("analytics", "process_user_analytics", "analytics", timeout=120, result_ttl=DAY, failure_ttl=WEEK,
            retry_intervals=_TRANSIENT, door_check="check_user_analytics"),
    _policy("analytics", "process_platform_analytics", "analytics", timeout=300, result_ttl=DAY,
            failure_ttl=WEEK, retry_intervals=_TRANSIENT, door_check="check_platform_analytics"),
    _policy("analytics", "generate_weekly_report", "analytics", timeout=300, result_ttl=WEEK, failure_ttl=WEEK,
            retry_intervals=_TRANSIENT, door_check="check_weekly_report"),
    _policy("analytics", "cleanup_old_analytics", "analytics", timeout=600, result_ttl=DAY, failure_ttl=WEEK,
            retry_intervals=(60,), door_check="check_cleanup_old_analytics"),
    _policy("health", "health_check", "health", timeout=30, result_ttl=DAY, failure_ttl=DAY),
    _policy("health", "send_alert_webhook", "health", timeout=30, result_ttl=DAY, failure_ttl=WEEK,
            retry_intervals=_TRANSIENT, describe_args=False),
    _policy("health", "monitor_queue_depth", "health", timeout=30, result_ttl=HOUR, failure_ttl=DAY),
    # Run once when the last job of a batch ends (queueing/batching.py). Its result (the counts) is kept as
    # long as any finished job (RETENTION); the batch record itself keeps the counts 30 days.
    _policy("health", "complete_batch", "health", timeout=60, result_ttl=WEEK, failure_ttl=2 * WEEK,
            retry_intervals=_TRANSIENT),
])



def get_policy(name: str) -> JobPolicy:
    try:
        return POLICIES[name]
    except KeyError:
        raise UnknownJob(name) from None


class UnknownJob(NotFound):
    """A job name that is not in the policy table."""

    def __init__(self, name: str):
        super().__init__(f"unknown job {str(name)[:80]!r}; jobs are {', '.join(sorted(POLICIES))}")
