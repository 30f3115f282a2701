"""Transactional email: render a message from its templates, address it, send it.

Every email takes one path, ``send_email(to, name, context)``: the address is
checked first, then ``templates/emails/<name>/`` renders the subject, the
plain-text part and the HTML part, ``build_message`` makes the MIME message
and the mailer chosen by ``EMAIL_BACKEND`` sends it (see ``mail_transports``).
A batch shares one connection::

    with get_mailer() as mailer:
        for learner in learners:
            send_email(learner["email"], "weekly_report", context, mailer=mailer)

Templates use ``StrictUndefined``: a missing variable or template is a
``PermanentError`` naming the template, never an email with a hole in it.
"""

from __future__ import annotations

import email.errors
import email.utils
import functools
import logging
import re
from dataclasses import dataclass
from datetime import date
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

import jinja2
from markupsafe import Markup

from .errors import PermanentError
from .scoring.feedback import CRITERION_NAMES
from .mail_transports import OutboxMailer, SendGridMailer, SmtpMailer
from .mail_transports import list_outbox as _list_outbox
from .mail_transports import read_outbox as _read_outbox
from .settings import Settings, get_settings

logger = logging.getLogger(__name__)

MESSAGES = ("welcome", "scoring_complete", "weekly_report", "platform_report", "generic")
TEMPLATE_PARTS = ("subject.txt", "body.txt", "body.html")
MAILERS = {"outbox": OutboxMailer, "smtp": SmtpMailer, "sendgrid": SendGridMailer}
TOP_SUGGESTIONS = 3
# Headers build_message sets itself; a caller may not override them.
OWN_HEADERS = {"from", "to", "subject", "date", "message-id", "mime-version", "content-type",
               "content-transfer-encoding"}
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # printable ASCII without ':' (RFC 5322)
_DOMAIN_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_CONTENT_ID = re.compile(r"^[A-Za-z0-9._-]+(@[A-Za-z0-9.-]+)?$")


@dataclass(frozen=True)
class Rendered:
    """A rendered email: a one-line subject and equivalent text and HTML bodies."""

    subject: str
    text: str
    html: str


def templates_dir() -> Path:
    """The email templates: shipped inside the wheel, or at the top of a checkout."""
    package = Path(__file__).parent
    installed = package / "_templates" / "emails"
    return installed if installed.is_dir() else package.parent / "templates" / "emails"


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, context: dict, settings: Settings | None = None) -> Rendered:
    """Render message ``name`` (one of ``MESSAGES``); ``app_url`` is added to the context."""
    if name not in MESSAGES:
        raise PermanentError(f"unknown email template {name!r}; known: {', '.join(MESSAGES)}")
    settings = settings or get_settings()
    context = {**context, "app_url": settings.app_url}
    subject, text, html = (_render_part(f"{name}/{part}", context) for part in TEMPLATE_PARTS)
    return Rendered(subject=" ".join(subject.split()), text=text.strip() + "\n", html=html)


def _render_part(template: str, context: dict) -> str:
    try:
        return _environment().get_template(template).render(context)
    except jinja2.TemplateNotFound as exc:
        raise PermanentError(f"email template {template!r} not found: no {exc.name!r} "
                             f"in {templates_dir()}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise PermanentError(f"email template {exc.name or template!r}, line {exc.lineno}: "
                             f"{exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise PermanentError(f"email template {template!r}: {exc.message}") from None


def welcome_context(name: str) -> dict:
    """Context of the ``welcome`` message for a new learner."""
    return {"name": name}


def scoring_complete_context(result: dict, submission_id: str, name: str | None = None) -> dict:
    """Context of ``scoring_complete`` from a scoring-service result."""
    try:
        criteria = result["criteria_scores"]
        return {
            "name": name,
            "submission_id": submission_id,
            "task": _humanize(result["task_type"]) if result.get("task_type") else None,
            "overall_band": format_band(result["overall_band_score"]),
            "criteria": [{"name": criterion_name(c["criterion"]), "band": format_band(c["band_score"])}
                         for c in criteria],
            "suggestions": top_suggestions(criteria),
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise PermanentError(f"scoring result cannot be emailed: missing or malformed {exc}") from None


def weekly_report_context(report: dict, name: str | None, chart_cid: str | None = None) -> dict:
    """Context of ``weekly_report``; ``chart_cid`` names an inline chart image, if any."""
    try:
        average, previous = report.get("average_band"), report.get("previous_average_band")
        return {
            "name": name,
            "period_start": _format_date(report["period_start"]),
            "period_end": _format_date(report["period_end"]),
            "submissions": int(report["submissions"]),
            "average_band": None if average is None else format_band(average),
            "change": _band_change(average, previous),
            "strongest": _optional_criterion(report.get("strongest_criterion")),
            "weakest": _optional_criterion(report.get("weakest_criterion")),
            "chart_cid": chart_cid,
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise PermanentError(f"weekly report cannot be emailed: missing or malformed {exc}") from None


def platform_report_context(report: dict, chart_cids: tuple[str, ...] = ()) -> dict:
    """Context of ``platform_report`` from ``jobs.analytics.weekly_report("platform", ...)``."""
    try:
        week, average = report["this_week"], report["this_week"]["average_band"]
        seconds = week["mean_seconds_to_score"]
        submissions_change = report["change"]["submissions"]
        return {
            "period_start": _format_date(report["week"]["start"]),
            "period_end": _format_date(report["week"]["end"]),
            "submissions": int(week["submissions"]),
            "submissions_change": f"{submissions_change:+d} on the week before" if submissions_change else None,
            "scored": int(week["scored"]),
            "active_learners": int(report["active_learners"]),
            "average_band": None if average is None else format_band(average),
            "change": _band_change(average, report.get("previous_average_band")),
            "time_to_score": "no answers scored" if seconds is None else f"{seconds:.1f} s",
            "queues": [{"name": name, "finished": q["finished"], "failed": q["failed"],
                        "failure_rate": None if not q["failure_rate"] else f"{q['failure_rate']:.1%}"}
                       for name, q in week["queues"].items()],
            "chart_cids": list(chart_cids),
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise PermanentError(f"platform report cannot be emailed: missing or malformed {exc}") from None


def generic_context(subject: str, text: str, html: str | None = None) -> dict:
    """Context of ``generic``: a subject, a plain text and optionally an HTML body.

    ``text`` is escaped in the HTML part. ``html`` is inserted unescaped, as
    trusted platform content: only the platform's own code may pass it, never
    text a user wrote or anything read from outside.
    """
    return {"subject": subject, "text": text, "html": None if html is None else Markup(html)}


def format_band(band) -> str:
    """An IELTS band as shown to learners: ``6.5``."""
    return f"{float(band):.1f}"


def criterion_name(criterion: str) -> str:
    """The human name of a criterion: ``task_response`` -> ``Task Response``."""
    return CRITERION_NAMES.get(criterion) or _humanize(criterion)


def top_suggestions(criteria: list[dict]) -> list[str]:
    """The first suggestions of the weakest criteria, without repeats."""
    suggestions: list[str] = []
    for criterion in sorted(criteria, key=lambda c: float(c["band_score"])):
        for suggestion in criterion.get("suggestions") or []:
            if suggestion not in suggestions:
                suggestions.append(suggestion)
    return suggestions[:TOP_SUGGESTIONS]


def _humanize(identifier: str) -> str:
    return " ".join(word.capitalize() for word in identifier.split("_"))


def _optional_criterion(criterion: str | None) -> str | None:
    return criterion_name(criterion) if criterion else None


def _format_date(iso_date) -> str:
    day = date.fromisoformat(str(iso_date)[:10])  # also takes a date or a datetime
    return f"{day.day} {day:%b %Y}"


def _band_change(average: float | None, previous: float | None) -> str | None:
    if average is None or previous is None:
        return None
    change = round(float(average) - float(previous), 1)
    if change == 0:
        return "unchanged from the week before"
    direction = "up" if change > 0 else "down"
    return f"{direction} {abs(change):.1f} from {format_band(previous)} the week before"


_SAMPLE_RESULT = {
    "overall_band_score": 6.5,
    "task_type": "writing_task_2",
    "criteria_scores": [
        {"criterion": "task_response", "band_score": 6.5, "confidence": 0.82,
         "feedback": "Addresses all parts of the task; the position is clear.",
         "strengths": ["Clear position"], "weaknesses": ["Ideas not fully extended"],
         "suggestions": ["Support each main idea with a specific example."]},
        {"criterion": "coherence_cohesion", "band_score": 7.0, "confidence": 0.78,
         "feedback": "Logical paragraphing.", "strengths": ["Good paragraphing"], "weaknesses": [],
         "suggestions": ["Vary linking words beyond 'however' and 'moreover'."]},
        {"criterion": "lexical_resource", "band_score": 6.0, "confidence": 0.8,
         "feedback": "Adequate range with some errors in collocation.", "strengths": [],
         "weaknesses": ["Repetition of 'important'"],
         "suggestions": ["Use less common vocabulary for key ideas.",
                         "Check collocations such as 'make research'."]},
        {"criterion": "grammatical_range_accuracy", "band_score": 6.5, "confidence": 0.75,
         "feedback": "A mix of simple and complex sentences.", "strengths": [],
         "weaknesses": ["Article errors"], "suggestions": ["Proofread for missing articles."]},
    ],
}
_SAMPLE_PLATFORM_REPORT = {
    "week": {"start": "2026-11-16", "end": "2026-11-22"}, "active_learners": 412,
    "previous_average_band": 6.1, "change": {"submissions": 85, "average_band": 0.1},
    "this_week": {"submissions": 1290, "scored": 1275, "average_band": 6.2, "mean_seconds_to_score": 3.4,
                  "queues": {"scoring": {"finished": 1275, "failed": 15, "failure_rate": 0.0116},
                             "email": {"finished": 1302, "failed": 0, "failure_rate": 0.0}}},
}
_SAMPLE_REPORT = {
    "period_start": "2026-11-16", "period_end": "2026-11-22", "submissions": 5,
    "average_band": 6.5, "previous_average_band": 6.0,
    "strongest_criterion": "coherence_cohesion", "weakest_criterion": "lexical_resource",
}


def sample_context(name: str) -> dict:
    """Realistic sample data for message ``name``, for previews and tests."""
    samples = {
        "welcome": lambda: welcome_context("Amira"),
        "scoring_complete": lambda: scoring_complete_context(_SAMPLE_RESULT, "sub_8f3a2c", "Amira"),
        "weekly_report": lambda: weekly_report_context(_SAMPLE_REPORT, "Amira"),
        "platform_report": lambda: platform_report_context(_SAMPLE_PLATFORM_REPORT),
        "generic": lambda: generic_context(
            "Scheduled maintenance on Sunday",
            "The platform will be unavailable on Sunday from 02:00 to 03:00 UTC.\n\n"
            "Your saved answers are safe; nothing needs to be done."),
    }
    if name not in samples:
        raise PermanentError(f"unknown email template {name!r}; known: {', '.join(MESSAGES)}")
    return samples[name]()


def validate_address(address: str) -> str:
    """Return ``address`` if it is a plain ``name@domain`` address; else ``PermanentError``."""
    problem = _address_problem(address) if isinstance(address, str) else "not a string"
    if problem:
        raise PermanentError(f"invalid email address {address!r:.120}: {problem}")
    return address


def _address_problem(address: str) -> str | None:
    if not address:
        return "empty"
    if "\r" in address or "\n" in address:
        return "contains a line break"
    if any(char.isspace() for char in address):
        return "contains a space"
    if len(address) > 254:
        return "longer than 254 characters"
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, email.errors.HeaderParseError):
        return "not of the form name@domain"
    if not parsed.username or not parsed.domain:
        return "not of the form name@domain"
    if len(parsed.username) > 64:
        return "the part before @ is longer than 64 characters"
    try:
        labels = parsed.domain.encode("idna").decode("ascii").split(".")
    except UnicodeError:
        return "bad domain"
    if len(labels) < 2 and parsed.domain != "localhost":
        return "the domain has no dot"
    if not all(_DOMAIN_LABEL.match(label) for label in labels):
        return "bad domain"
    return None


def build_message(to: str, rendered: Rendered, settings: Settings | None = None,
                  images: dict[str, bytes] | None = None,
                  headers: dict[str, str] | None = None) -> EmailMessage:
    """A multipart/alternative message (text, then HTML with its inline PNG images).

    ``images`` maps a Content-ID to PNG bytes; the HTML shows each one with
    ``<img src="cid:ID">``. ``headers`` adds headers such as List-Unsubscribe.
    """
    settings = settings or get_settings()
    message = EmailMessage()
    message["From"] = Address(settings.from_name, addr_spec=settings.from_email)
    message["To"] = validate_address(to)
    message["Subject"] = rendered.subject
    message["Date"] = email.utils.formatdate(usegmt=True)
    # The sender's domain, not this machine's hostname, which make_msgid uses by default.
    message["Message-ID"] = email.utils.make_msgid(domain=settings.from_email.rpartition("@")[2])
    for key, value in (headers or {}).items():
        _add_header(message, key, value)
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    html_part = message.get_payload()[1]
    for content_id, png in (images or {}).items():
        _add_inline_image(html_part, rendered.html, content_id, png)
    return message


def _add_header(message: EmailMessage, key: str, value: str) -> None:
    if not _HEADER_NAME.match(key) or key.lower() in OWN_HEADERS:
        raise PermanentError(f"email header {key!r} cannot be set by the caller")
    try:
        message[key] = value
    except ValueError as exc:
        raise PermanentError(f"email header {key!r}: {exc}") from None


def _add_inline_image(html_part: EmailMessage, html: str, content_id: str, png: bytes) -> None:
    if not _CONTENT_ID.match(content_id):
        raise PermanentError(f"invalid inline image id {content_id!r}")
    if f"cid:{content_id}" not in html:
        raise PermanentError(f"inline image {content_id!r} is not shown by the HTML part "
                             f'(no src="cid:{content_id}")')
    html_part.add_related(png, maintype="image", subtype="png", cid=f"<{content_id}>",
                          disposition="inline", filename=f"{content_id}.png")


def get_mailer(settings: Settings | None = None):
    """The mailer of ``EMAIL_BACKEND``: ``.send(message) -> id``, a context manager."""
    settings = settings or get_settings()
    return MAILERS[settings.email_backend](settings)


def send_email(to: str, name: str, context: dict, *, images: dict[str, bytes] | None = None,
               headers: dict[str, str] | None = None, settings: Settings | None = None,
               mailer=None) -> str:
    """Check the address, render message ``name``, build and send it; return its id.

    Pass ``mailer`` (from ``get_mailer``) to send a batch over one connection;
    without it a mailer is opened and closed for this one message.
    """
    settings = settings or get_settings()
    address = validate_address(to)  # first: a bad address fails before any work
    message = build_message(address, render(name, context, settings), settings, images, headers)
    if mailer is None:
        with get_mailer(settings) as own_mailer:
            message_id = own_mailer.send(message)
    else:
        message_id = mailer.send(message)
    logger.info("sent %s email, id %s", name, message_id)
    return message_id


def list_outbox(settings: Settings | None = None) -> list[dict]:
    """The outbox's messages, newest first: dicts of id, to, subject, date and path."""
    return _list_outbox(settings or get_settings())


def read_outbox(outbox_id: str, settings: Settings | None = None) -> EmailMessage:
    """One outbox message by id; a malformed or unknown id is a ``PermanentError``."""
    return _read_outbox(outbox_id, settings or get_settings())
