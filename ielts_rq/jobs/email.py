"""Jobs of the ``email`` queue: render a message and send it through the configured transport.

Each message is sent at most once per job: after a send succeeds, a marker
keyed by the job id is stored, so a retried job (after a crash or a lost
connection) skips what already went out.

Opting out: a learner with ``email_opt_in`` false gets no scoring-complete
emails, no weekly reports and no generic messages unless they are marked
``essential`` (account and service notices). The welcome email, sent once at
sign-up, cannot be opted out of.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from rq import get_current_job

from .. import mail, reports, store
from ..connection import get_connection
from ..errors import IeltsRqError, NotFound, PermanentError, TransientError
from ..keys import key
from ..ratelimit import wait_for_slot

SENT_MARKER_TTL = 30 * 86400
MAX_BATCH = 1000  # messages in one send_batch_emails job: ten minutes at 100 a minute
BATCH_KINDS = ("welcome", "scoring_complete", "weekly_report", "generic")
OPTED_OUT = "the learner opted out of email"


def send_welcome_email(email: str, name: str) -> dict:
    """Welcome a new learner."""
    return _send(_welcome_message(email, name), "welcome")


def send_scoring_complete(submission_id: str) -> dict:
    """Tell a learner their answer is scored: overall band, criteria table, suggestions, link."""
    return _send(_scoring_complete_message(submission_id), "scoring_complete")


def send_weekly_report(user_id: str, today: str | None = None) -> dict:
    """Send a learner the week's report (the seven days before ``today``, an ISO date)."""
    return _send(_weekly_report_message(user_id, today), "weekly_report")


def send_generic_email(to: str, subject: str, text: str, html: str | None = None,
                       user_id: str | None = None, essential: bool = False) -> dict:
    """A one-off message; ``html`` must come from the platform's own code, never from a user.

    With ``user_id``, a learner who opted out gets it only when ``essential``.
    """
    return _send(_generic_message(to, subject, text, html, user_id, essential), "generic")


def send_batch_emails(messages: list) -> dict:
    """Send many messages over one connection, within the email rate limit.

    Each message is ``{"kind": ..., **arguments}`` for one of the jobs above.
    A bad message fails alone; the result lists what was sent and what failed
    and why. If some failed only for now (connection lost), the job raises
    after the rest are done, and its retry sends just those.
    """
    if not isinstance(messages, list) or not messages:
        raise PermanentError("messages must be a non-empty list of {kind: ..., ...} objects")
    if len(messages) > MAX_BATCH:
        raise PermanentError(f"a batch holds at most {MAX_BATCH} messages, got {len(messages)}")
    marker, connection = _marker(), get_connection()
    sent, failed, retry_later = [], [], []
    with mail.get_mailer() as mailer:
        for index, message in enumerate(messages):
            try:
                wait_for_slot("email", connection)
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
    if not isinstance(message, dict) or message.get("kind") not in BATCH_KINDS:
        raise PermanentError(f"each message needs a kind, one of {', '.join(BATCH_KINDS)}")
    arguments = {name: value for name, value in message.items() if name != "kind"}
    kind = message["kind"]
    try:
        built = _BUILDERS[kind](**arguments)
    except TypeError:
        raise PermanentError(f"{kind} message has wrong fields: {', '.join(sorted(arguments)) or 'none'}") from None
    return {"kind": kind, **_send(built, kind, marker, mailer)}


def _send(built: tuple, kind: str, marker: str | None = "job", mailer=None) -> dict:
    """Send a built (address, context) pair; (None, reason) means the learner is not emailed."""
    to, context = built
    if to is None:
        return {"to": None, "skipped": context}
    return _send_once(_marker() if marker == "job" else marker, to, kind, context, mailer)


# Each builder checks its arguments and returns (address, template context),
# or (None, why not) when the learner has opted out.

def _welcome_message(email, name):
    return email, mail.welcome_context(_text(name, "name", 200))


def _scoring_complete_message(submission_id):
    submission = store.require_submission(store.check_id(submission_id, "submission"))
    user = _learner(submission.get("user_id"))
    if not user["email_opt_in"]:
        return None, OPTED_OUT
    result = store.get_result(submission_id)
    if result is None:
        raise NotFound(f"submission {submission_id} has no result yet")
    return user["email"], mail.scoring_complete_context(result, submission_id, user.get("name"))


def _weekly_report_message(user_id, today=None):
    user = _learner(user_id)
    if not user["email_opt_in"]:
        return None, OPTED_OUT
    return user["email"], mail.weekly_report_context(_weekly_report(user_id, _parse_day(today)), user.get("name"))


def _generic_message(to, subject, text, html=None, user_id=None, essential=False):
    if user_id is not None and not essential:
        user = store.get_user(store.check_id(user_id, "user"))
        if user is not None and not user["email_opt_in"]:
            return None, OPTED_OUT
    context = mail.generic_context(_text(subject, "subject", 200).strip(), _text(text, "text", 100_000),
                                   None if html is None else _text(html, "html", 500_000))
    return to, context


_BUILDERS = {"welcome": _welcome_message, "scoring_complete": _scoring_complete_message,
             "weekly_report": _weekly_report_message, "generic": _generic_message}


def _send_once(marker: str | None, to, kind: str, context: dict, mailer=None) -> dict:
    """Send unless this job already did (a retry after the send succeeded)."""
    if marker and get_connection().exists(key("email", "sent", marker)):
        return {"to": to, "skipped": "already sent by an earlier attempt of this job"}
    message_id = mail.send_email(to, kind, context, mailer=mailer)
    if marker:
        get_connection().set(key("email", "sent", marker), message_id, ex=SENT_MARKER_TTL)
    return {"to": to, "message_id": message_id}


def _marker() -> str | None:
    job = get_current_job()
    return job.id if job else None


def _learner(user_id) -> dict:
    if user_id is None:
        raise PermanentError("the submission has no user, so there is nobody to email")
    user = store.get_user(store.check_id(user_id, "user"))
    if user is None:
        raise NotFound(f"user {user_id} not found")
    if not user.get("email"):
        raise PermanentError(f"user {user_id} has no email address")
    return user


def _weekly_report(user_id: str, today: date) -> dict:
    start, end = reports.week_bounds(today)
    week_start = datetime(start.year, start.month, start.day, tzinfo=timezone.utc).timestamp()
    week_end = week_start + 7 * 86400
    return reports.weekly_summary(store.results_for_user(user_id, week_start, week_end),
                                  store.results_for_user(user_id, week_start - 7 * 86400, week_start), start, end)


def _parse_day(value) -> date:
    if value is None:
        return datetime.now(timezone.utc).date()
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PermanentError(f"today must be an ISO date like 2026-11-30, got {str(value)[:40]!r}") from None


def _text(value, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PermanentError(f"{what} must be non-empty text")
    if len(value) > limit:
        raise PermanentError(f"{what} is {len(value):,} characters; the limit is {limit:,}")
    return value

