"""Jobs of the ``scoring`` queue: score submissions, alone or in batches, and keep results tidy.

Scoring is idempotent: a submission has one stored result, and running its
job again returns that result without scoring twice.

Identical content (task, prompt and text) reuses a stored result only when
the scorer that would score it now is the one that scored it, at the same
version: the built-in scorer's version covers its code release and its
fitted data files, the scoring service's is its address and the model its
latest answer named. A refit, or a switch between the two, scores afresh.
"""

from __future__ import annotations

import functools
import hashlib
import time

from rq import get_current_job

from .. import store
from ..errors import PermanentError, TransientError
from ..ops.retention import apply_retention
from ..policies import RESULTS_KEPT_DAYS
from ..queueing.connection import get_connection
from ..queueing.deadline import soft_limit
from ..queueing.enqueue import enqueue, enqueue_many
from ..queueing.ratelimit import backend_provider, wait_for_slot
from ..scoring import ScoringInputError, score
from ..scoring.model import MODEL_PATH
from ..scoring.scorer import MODEL_NAME
from ..services.scoring import score_with_service
from ..settings import get_settings

MAX_BATCH_SUBMISSIONS = 100_000  # submission ids in one score_batch
CHUNK = 50  # submissions per job of a batch: one fork and a few reads serve fifty essays
SAVE_EVERY = 1.0  # seconds: a slow service's answers are saved as they come, a fast scorer's once
CLAIM_SECONDS = 600  # how long a claim lasts outside a job (the longest scoring job's timeout)


def score_submission(submission_id: str) -> dict:
    """Score a stored submission, store and publish the result, then notify the learner."""
    submission = store.require_submission(store.check_id(submission_id, "submission"))
    result = store.get_result(submission_id)
    if result is None:
        holder, claimed = _claim([submission_id])
        if not claimed:
            raise TransientError(f"submission {submission_id} is being scored by another job; "
                                 "this one will find its result")
        try:
            result = store.get_result(submission_id) or _score_and_save(submission)
        except store.LearnerErased as exc:  # erased while this job scored: nothing of theirs is kept
            store.forget_current_job()
            return {"submission_id": submission_id, "skipped": str(exc)}
        finally:
            store.release_scoring([submission_id], holder)
    _notify([submission])
    return _summary(result)


def score_submissions(submission_ids: list, batch_id: str | None = None) -> dict:
    """Score a chunk of submissions in one job (what score_batch fans out); each fails alone.

    If some could not be scored for now (the scoring service is down), the job
    raises after the rest, and its retry scores just those: the others already
    have their one result. Results are saved at least once a second, so a
    chunk stopped by its timeout keeps what it scored and its retry resumes.
    Those that failed for good (not found, unscorable) are recorded on the
    batch, so its status names them.
    """
    ids = _id_list(submission_ids, limit=10 * CHUNK)
    submissions = dict(zip(ids, store.get_submissions(ids)))
    stored = dict(zip(ids, store.get_results(ids)))
    unscored = [s for s in submissions.values() if s is not None and stored[s["id"]] is None]
    holder, claimed = _claim([s["id"] for s in unscored])
    pending = [s for s in unscored if s["id"] in claimed]
    scored, failed, retry_later = [], [], []
    last_save = time.monotonic()

    def save_scored():
        stored.update({record["submission_id"]: record for record in store.save_results(scored)})
        scored.clear()

    for busy in (s for s in unscored if s not in pending):  # another job is scoring it right now
        retry_later.append(busy["id"])
        failed.append({"submission_id": busy["id"], "error": "being scored by another job", "will_retry": True})
    version = _scorer_version()
    calls = 0
    limit, stopped = soft_limit(), []
    for index, (submission, reused) in enumerate(zip(pending, store.results_for_same_content(pending, version))):
        if limit.reached():  # near the hard timeout: save what is scored and leave the rest to the retry
            stopped = [s["id"] for s in pending[index:]]
            break
        try:
            if not reused:
                if calls:  # the job's own start counted its first call against the scoring service's limit
                    wait_for_slot(backend_provider("scorer"), get_connection())
                calls += 1
            scored.append((submission, *(_reused(reused, version) if reused else _score(submission))))
        except TransientError as exc:
            retry_later.append(submission["id"])
            failed.append({"submission_id": submission["id"], "error": str(exc), "will_retry": True})
        except PermanentError as exc:
            failed.append({"submission_id": submission["id"], "error": str(exc)})
        if scored and time.monotonic() - last_save > SAVE_EVERY:
            save_scored()
            last_save = time.monotonic()
    try:
        save_scored()
    finally:
        store.release_scoring(list(claimed), holder)
    failed += [{"submission_id": sid, "error": f"submission {sid} not found"} for sid in ids if submissions[sid] is None]
    _notify([s for sid, s in submissions.items() if s is not None and stored[sid] is not None])
    if batch_id:
        store.record_item_failures(store.check_id(batch_id, "batch"),
                                   {f["submission_id"]: f["error"] for f in failed if not f.get("will_retry")})
    if stopped:
        raise TransientError(f"stopped at the job's soft time limit with {len(stopped)} of {len(ids)} submissions "
                             "left for its retry; those scored are saved")
    if retry_later:
        raise TransientError(f"{len(retry_later)} of {len(ids)} submissions could not be scored for now: "
                             f"{failed[0]['error']}")
    return {"scored": sum(record is not None for record in stored.values()), "failed": failed}


def score_batch(submission_ids: list) -> dict:
    """Fan out one score_submission per id in pipelined bulk enqueues; the batch id is this job's id."""
    ids = _id_list(submission_ids, limit=MAX_BATCH_SUBMISSIONS)
    chunks = [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]
    job = get_current_job()
    batch_id = job.id if job else store.new_id("batch")
    job_ids = enqueue_many("score_submissions", [((chunk,), {"batch_id": batch_id}) for chunk in chunks],
                           batch_id=batch_id)
    batch = store.save_batch(batch_id, "scoring", job_ids, skipped=len(submission_ids) - len(ids),
                             items_per_job=CHUNK, items=len(ids))
    return {"batch_id": batch_id, "submissions": len(ids), "jobs": batch["total"],
            "duplicates_skipped": batch["skipped"]}


def generate_feedback(submission_id: str) -> dict:
    """Detailed feedback per criterion, with examples from the learner's own text."""
    submission = store.require_submission(store.check_id(submission_id, "submission"))
    result = store.get_result(submission_id)
    if result is None:
        score_submission(submission_id)
        result = store.get_result(submission_id)
    analysis = result.get("feature_analysis") or {}
    return {
        "submission_id": submission["id"],
        "task_type": submission["task_type"],
        "overall_band_score": result["overall_band_score"],
        "summary": result.get("detailed_feedback", ""),
        "criteria": [
            {key: criterion.get(key) for key in
             ("criterion", "band_score", "feedback", "strengths", "weaknesses", "suggestions")}
            for criterion in result["criteria_scores"]
        ],
        "examples": analysis.get("examples") or _examples(analysis),
    }


def cleanup_old_results(days_old: int = RESULTS_KEPT_DAYS) -> dict:
    """Apply the retention of every kind of record (``policies.RETENTION``): results stored more than
    ``days_old`` days ago, and submissions, analytics, stored files and outbox messages past their own."""
    check_cleanup_old_results(days_old)
    removed = apply_retention(days_old)
    return {"deleted": removed["results"], "days_old": days_old, "removed": removed}


# The checks of arguments a job makes before any work, also run at the door (enqueue(), `ielts-rq enqueue`):
# each job's policy names its check (``JobPolicy.door_check``), which takes the job's own parameters.

def check_score_batch(submission_ids) -> None:
    _id_list(submission_ids, limit=MAX_BATCH_SUBMISSIONS)


def check_cleanup_old_results(days_old=RESULTS_KEPT_DAYS) -> None:
    if not isinstance(days_old, int) or isinstance(days_old, bool) or days_old < 1:
        raise PermanentError(f"days_old must be a positive whole number of days, got {days_old!r}")


def _id_list(submission_ids, limit: int) -> list[str]:
    """Checked, de-duplicated submission ids, in order."""
    if not isinstance(submission_ids, list) or not submission_ids:
        raise PermanentError("submission_ids must be a non-empty list of submission ids")
    if len(submission_ids) > limit:
        raise PermanentError(f"a batch holds at most {limit:,} submissions, got {len(submission_ids):,}")
    return list(dict.fromkeys(store.check_id(sid, "submission") for sid in submission_ids))


def _score_and_save(submission: dict) -> dict:
    """Score a submission (or reuse the result of identical content) and store the one result."""
    version = _scorer_version()
    reused = store.result_for_same_content(submission, version)
    response, scorer, version = _reused(reused, version) if reused else _score(submission)
    return store.save_result(submission, response, scorer=scorer, scorer_version=version)


def _claim(submission_ids: list[str]) -> tuple[str, set[str]]:
    """Claim each submission for this job, so that concurrent jobs never score one twice.

    Returns this job's holder token and the ids it now holds (those another
    running job holds are left out). A claim lasts the job's timeout at most,
    and ends with its job: the retry of a killed job takes its claims back.
    """
    job = get_current_job()
    holder = f"{job.id if job else 'direct'}:{store.new_id('claim')}"
    seconds = int(job.timeout) if job and job.timeout and job.timeout > 0 else CLAIM_SECONDS
    return holder, {sid for sid in submission_ids
                    if store.claim_scoring(sid, holder, seconds, job_id=job.id if job else None)}


def _reused(result: dict, version: str) -> tuple[dict, str, str]:
    return _response_part(result), f"reused:{result['submission_id']}", version


def _score(submission: dict) -> tuple[dict, str, str]:
    """The built-in scorer, or the scoring service when SCORING_SERVICE_URL is set: the response, the
    scorer's name and its version."""
    service_url = get_settings().scoring_service_url
    if service_url:
        answer = score_with_service(service_url, submission)
        store.remember_service_model(service_url, answer["model_used"])
        return answer, "service", _service_version(service_url, answer["model_used"])
    try:
        response = score(submission["task_type"], submission["text"], submission.get("prompt"),
                         audio=submission.get("audio"))
    except ScoringInputError as exc:
        raise PermanentError(f"submission {submission['id']} cannot be scored: {exc}") from None
    return response, "builtin", _builtin_version()


def _scorer_version() -> str | None:
    """The version of the scorer that would score now; None for a service that has not answered yet."""
    service_url = get_settings().scoring_service_url
    if service_url:
        model = store.service_model(service_url)
        return _service_version(service_url, model) if model else None
    return _builtin_version()


def _service_version(service_url: str, model: str) -> str:
    return f"service {service_url} {model}"


@functools.cache
def _builtin_version() -> str:
    """The built-in scorer's release and a digest of its fitted data: a refit changes it even when the
    release number stays."""
    digest = hashlib.sha256()
    for path in sorted(MODEL_PATH.parent.iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"builtin {MODEL_NAME} {digest.hexdigest()[:16]}"


def _notify(submissions: list[dict]) -> None:
    """Enqueue the 'scoring complete' email (by name) for each learner with an address.

    The email job's id is the submission's, and it remembers what it sent, so
    scoring twice never emails twice.
    """
    users = store.get_users([s["user_id"] for s in submissions if s.get("user_id")])
    to_notify = [s["id"] for s in submissions if (users.get(s.get("user_id")) or {}).get("email")]
    if len(to_notify) == 1:
        enqueue("send_scoring_complete", to_notify[0])
    elif to_notify:
        enqueue_many("send_scoring_complete", [((sid,), {}) for sid in to_notify])


def _response_part(result: dict) -> dict:
    """The scoring response inside a stored result, without the record's own fields."""
    own = {"submission_id", "user_id", "scorer", "submitted_at", "scored_at", "content_fingerprint"}
    return {name: value for name, value in result.items() if name not in own}


def _summary(result: dict) -> dict:
    return {
        "submission_id": result["submission_id"],
        "overall_band_score": result["overall_band_score"],
        "criteria": {c["criterion"]: c["band_score"] for c in result["criteria_scores"]},
        "scorer": result["scorer"],
    }


def _examples(analysis: dict) -> dict:
    """Concrete evidence the scorer found, where it reported any."""
    wanted = ("misspelled_words", "overused_linking_words", "grammar_slips", "less_common_words")
    return {name: analysis[name] for name in wanted if analysis.get(name)}
