"""Jobs of the ``email`` queue: render a message and send it through the configured transport.

Each message is sent once per request: a marker keyed by the job's id and
arguments is claimed before sending and kept after, so a retried job (after a
crash or a lost connection) skips what already went out.

Opting out: a learner with ``email_opt_in`` false gets no scoring-complete
emails, no weekly reports and no generic messages unless they are marked
``essential`` (account and service notices). The opt-out follows the address
too (``store.address_opted_out``: spaces stripped, case ignored): whichever
job names an opted-out address, welcome and batch messages included, with or
without a learner id, the message is skipped, and said so in the job's result.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from rq import get_current_job

from .. import mail, store
from ..addresses import validate_address
from ..errors import IeltsRqError, NotFound, PermanentError, TransientError
from ..queueing import keys
from ..queueing.connection import get_connection
from ..queueing.enqueue import enqueue, enqueue_many
from ..queueing.ratelimit import backend_provider, wait_for_slot
from ..reports.figures import parse_day
from ..reports.weekly import charts_for, weekly_report
from ..settings import get_settings
from ..store import counters

SENT_MARKER_TTL = 30 * 86400
SENDING = "sending"  # the marker's value while an attempt is sending
SENDING_CLAIM_TTL = 600  # a claim of an attempt that died mid-send lapses after this
MAX_BATCH_MESSAGES = 1000  # messages in one send_batch_emails job: ten minutes at 100 a minute
OPTED_OUT = "the learner opted out of email"


def send_welcome_email(email: str, name: str) -> dict:
    """Welcome a new learner."""
    return _send(_welcome_message(email, name), "welcome")


def send_scoring_complete(submission_id: str) -> dict:
    """Tell a learner their answer is scored: overall band, criteria table, suggestions, link."""
    return _send(_scoring_complete_message(submission_id), "scoring_complete")


def send_weekly_report(user_id: str, today: str | None = None) -> dict:
    """Send a learner the week's report (the seven days before ``today``, an ISO date), chart inline."""
    return _send(_weekly_report_message(user_id, today), "weekly_report")


def send_platform_report(today: str | None = None) -> dict:
    """Send the platform's weekly report, charts inline, to every address in ADMIN_EMAILS."""
    admins = get_settings().admin_emails
    if not admins:
        return {"sent": 0, "skipped": "ADMIN_EMAILS is not set"}
    report = weekly_report("platform", None, parse_day(today))
    images = {f"platform-{name}": png for name, png in charts_for(report).items()}
    context = mail.platform_report_context(report, tuple(images))
    marker, connection = _marker(), get_connection()
    sent = []
    with mail.get_mailer() as mailer:
        for index, to in enumerate(admins):
            if index:  # the job's own start counted the first message against the mail provider's limit
                wait_for_slot(backend_provider("mail"), connection)
            sent.append(_send_once(f"{marker}:{to}" if marker else None, to, "platform_report", context, images,
                                   mailer))
    return {"sent": len(sent), "messages": sent}


def send_weekly_reports(today: str | None = None) -> dict:
    """Monday's fan-out: one weekly report per learner active last week (one bulk enqueue), and the platform report."""
    day = parse_day(today)
    start, end = day - timedelta(days=7), day - timedelta(days=1)
    learners = sorted(counters.active_learners(get_connection(), start, end))
    current = get_current_job()
    batch_id = current.id if current else store.new_id("batch")
    job_ids = enqueue_many("send_weekly_report", [((user_id, day.isoformat()), {}) for user_id in learners],
                           batch_id=batch_id)
    store.save_batch(batch_id, "weekly_reports", job_ids)  # its completion job runs when the last report is sent
    platform = enqueue("send_platform_report", day.isoformat())
    return {"learners": len(learners), "jobs": len(job_ids), "platform_report_job": platform.id,
            "batch_id": batch_id}


def send_generic_email(to: str, subject: str, text: str, html: str | None = None,
                       user_id: str | None = None, essential: bool = False) -> dict:
    """A one-off message; ``html`` must come from the platform's own code, never from a user.

    With ``user_id``, a learner who opted out gets it only when ``essential``.
    """
    return _send(_generic_message(to, subject, text, html, user_id, essential), "generic")


def send_batch_emails(messages: list) -> dict:
    """Send many messages over one connection, within the mail provider's rate limit.

    Each message is ``{"kind": ..., **arguments}`` for one of the jobs above.
    A bad message fails alone; the result lists what was sent and what failed
    and why. If some failed only for now (connection lost), the job raises
    after the rest are done, and its retry sends just those.
    """
    check_batch_emails(messages)
    marker, connection = _marker(), get_connection()
    sent, failed, retry_later = [], [], []
    with mail.get_mailer() as mailer:
        for index, message in enumerate(messages):
            try:
                if index:  # the job's own start counted the first message against the mail provider's limit
                    wait_for_slot(backend_provider("mail"), connection)
                outcome = _send_batch_message(message, f"{marker}:{index}" if marker else None, mailer)
                sent.append({"index": index, **outcome})
            except TransientError as exc:
                retry_later.append(index)
                failed.append({"index": index, "error": str(exc), "will_retry": True})
            except IeltsRqError as exc:
                failed.append({"index": index, "error": str(exc)})
    if retry_later:
        raise TransientError(f"{len(retry_later)} message(s) could not be sent for now "
                             f"(indexes {retry_later[:10]}); {len(sent)} sent; retrying those")
    return {"sent": len(sent), "failed": len(failed), "messages": sent, "failures": failed}


def _send_batch_message(message, marker: str | None, mailer) -> dict:
    if not isinstance(message, dict) or message.get("kind") not in _BUILDERS:
        raise PermanentError(f"each message needs a kind, one of {', '.join(_BUILDERS)}")
    arguments = {name: value for name, value in message.items() if name != "kind"}
    kind = message["kind"]
    try:
        built = _BUILDERS[kind](**arguments)
    except TypeError:
        raise PermanentError(f"{kind} message has wrong fields: {', '.join(sorted(arguments)) or 'none'}") from None
    return {"kind": kind, **_send(built, kind, marker, mailer)}


def _send(built: tuple, kind: str, marker: str | None = "job", mailer=None) -> dict:
    """Send a built (address, context[, images]); (None, reason) means the learner is not emailed."""
    to, context, *images = built
    if to is None:
        return {"to": None, "skipped": context}
    return _send_once(_marker() if marker == "job" else marker, to, kind, context, images[0] if images else None,
                      mailer)


# Each builder checks its arguments and returns (address, template context),
# or (None, why not) when the learner has opted out.

def _welcome_message(email, name):
    check_welcome_email(email, name)
    if store.address_opted_out(email):
        return None, OPTED_OUT
    return email, mail.welcome_context(name)


def _scoring_complete_message(submission_id):
    submission = store.require_submission(store.check_id(submission_id, "submission"))
    user = _learner(submission.get("user_id"))
    if _opted_out(user):
        return None, OPTED_OUT
    result = store.get_result(submission_id)
    if result is None:
        raise NotFound(f"submission {submission_id} has no result yet")
    return user["email"], mail.scoring_complete_context(result, submission_id, user.get("name"))


def _weekly_report_message(user_id, today=None):
    if store.is_erased(user_id):  # erased after the fan-out queued this: no report, no record of the job
        store.forget_current_job()
        return None, str(store.LearnerErased())
    user = _learner(user_id)
    if _opted_out(user):
        return None, OPTED_OUT
    report = weekly_report("user", user_id, parse_day(today))
    week = report["this_week"]
    summary = {"period_start": report["week"]["start"], "period_end": report["week"]["end"],
               "submissions": week["submissions"], "average_band": week["average_band"],
               "previous_average_band": report["previous_average_band"],
               "strongest_criterion": week["strongest_criterion"], "weakest_criterion": week["weakest_criterion"]}
    if not week["series"]:  # no scored answers: no chart to show
        return user["email"], mail.weekly_report_context(summary, user.get("name"))
    images = {name: png for name, png in charts_for(report).items() if name.startswith("bands-")}
    return user["email"], mail.weekly_report_context(summary, user.get("name"), chart_cids=tuple(images)), images


def _generic_message(to, subject, text, html=None, user_id=None, essential=False):
    check_generic_email(to, subject, text, html, user_id, essential)
    if not essential:
        user = store.get_user(user_id) if user_id is not None else None
        if (user is not None and not user["email_opt_in"]) or store.address_opted_out(to):
            return None, OPTED_OUT
    return to, mail.generic_context(subject.strip(), text, html)


# The checks of arguments a job makes before any work, also run at the door (enqueue(), `ielts-rq enqueue`):
# each job's policy names its check (``JobPolicy.door_check``), which takes the job's own parameters.

def check_welcome_email(email, name) -> None:
    validate_address(email)
    _text(name, "name", 200)


def check_generic_email(to, subject, text, html=None, user_id=None, essential=False) -> None:
    validate_address(to)
    _text(subject, "subject", 200)
    _text(text, "text", 100_000)
    if html is not None:
        _text(html, "html", 500_000)
    if user_id is not None:
        store.check_id(user_id, "user")


def check_batch_emails(messages) -> None:
    if not isinstance(messages, list) or not messages:
        raise PermanentError("messages must be a non-empty list of {kind: ..., ...} objects")
    if len(messages) > MAX_BATCH_MESSAGES:
        raise PermanentError(f"a batch holds at most {MAX_BATCH_MESSAGES} messages, got {len(messages)}")


_BUILDERS = {"welcome": _welcome_message, "scoring_complete": _scoring_complete_message,
             "weekly_report": _weekly_report_message, "generic": _generic_message}


def _send_once(marker: str | None, to, kind: str, context: dict, images=None, mailer=None) -> dict:
    """Send unless an attempt of this job already did, or is doing so right now.

    The marker is claimed before sending, so two attempts never both send; if
    this attempt fails, the claim is dropped and the retry sends.
    """
    if marker is None:
        return {"to": to, "message_id": mail.send_email(to, kind, context, images=images, mailer=mailer)}
    connection, marker_key = get_connection(), keys.email_sent(marker)
    if not connection.set(marker_key, SENDING, nx=True, ex=SENDING_CLAIM_TTL):
        if connection.get(marker_key) == SENDING.encode():
            raise TransientError("another attempt of this job is sending the message; trying again later")
        return {"to": to, "skipped": "already sent by an earlier attempt of this job"}
    try:
        message_id = mail.send_email(to, kind, context, images=images, mailer=mailer, message_key=marker)
    except BaseException:
        connection.delete(marker_key)
        raise
    connection.set(marker_key, message_id, ex=SENT_MARKER_TTL)
    return {"to": to, "message_id": message_id}


def _marker() -> str | None:
    """This job's request: its id and arguments (a unique job id is reused week after week)."""
    job = get_current_job()
    if job is None:
        return None
    request = json.dumps([job.args, job.kwargs], sort_keys=True, default=str)
    return f"{job.id}:{hashlib.sha256(request.encode()).hexdigest()[:16]}"


def _opted_out(user: dict) -> bool:
    """The learner opted out, or someone did for the address they use."""
    return not user["email_opt_in"] or store.address_opted_out(user["email"])


def _learner(user_id) -> dict:
    if user_id is None:
        raise PermanentError("the submission has no user, so there is nobody to email")
    user = store.get_user(store.check_id(user_id, "user"))
    if user is None:
        raise NotFound(f"user {user_id} not found")
    if not user.get("email"):
        raise PermanentError(f"user {user_id} has no email address")
    return user


def _text(value, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PermanentError(f"{what} must be non-empty text")
    if len(value) > limit:
        raise PermanentError(f"{what} is {len(value):,} characters; the limit is {limit:,}")
    return value

