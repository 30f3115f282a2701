"""Transactional email: render a message from its templates, address it, send it.

Every email takes one path, ``send_email(to, name, context)``: the address is
checked first, then ``render`` fills ``templates/emails/<name>/`` (subject,
plain-text part, HTML part), ``build_message`` makes the MIME message and the
mailer chosen by ``EMAIL_BACKEND`` sends it (``transports``). A batch shares
one connection::

    with get_mailer() as mailer:
        for learner in learners:
            send_email(learner["email"], "weekly_report", context, mailer=mailer)
"""

from __future__ import annotations

import logging
from email.message import EmailMessage

from ..addresses import validate_address
from ..settings import Settings, get_settings
from .contexts import (
    format_band,
    generic_context,
    platform_report_context,
    sample_context,
    scoring_complete_context,
    top_suggestions,
    weekly_report_context,
    welcome_context,
)
from .message import build_message
from .templates import MESSAGES, Rendered, render
from .transports import OutboxMailer, SendGridMailer, SmtpMailer
from .transports import list_outbox as _list_outbox
from .transports import read_outbox as _read_outbox

__all__ = [
    "MESSAGES", "Rendered", "build_message", "format_band", "generic_context", "get_mailer", "list_outbox",
    "platform_report_context", "read_outbox", "render", "sample_context", "scoring_complete_context",
    "send_email", "top_suggestions", "validate_address", "weekly_report_context", "welcome_context",
]

logger = logging.getLogger(__name__)

MAILERS = {"outbox": OutboxMailer, "smtp": SmtpMailer, "sendgrid": SendGridMailer}


def get_mailer(settings: Settings | None = None):
    """The mailer of ``EMAIL_BACKEND``: ``.send(message) -> id``, a context manager."""
    settings = settings or get_settings()
    return MAILERS[settings.email_backend](settings)


def send_email(to: str, name: str, context: dict, *, images: dict[str, bytes] | None = None,
               headers: dict[str, str] | None = None, settings: Settings | None = None,
               mailer=None, message_key: str | None = None) -> str:
    """Check the address, render message ``name``, build and send it; return its id.

    Pass ``mailer`` (from ``get_mailer``) to send a batch over one connection;
    without it a mailer is opened and closed for this one message.
    """
    settings = settings or get_settings()
    address = validate_address(to)  # first: a bad address fails before any work
    message = build_message(address, render(name, context, settings), settings, images, headers, message_key)
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
