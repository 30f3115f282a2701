"""The MIME message: a text part, an HTML part with its inline images, and safe headers."""

from __future__ import annotations

import email.utils
import hashlib
import re
from email.headerregistry import Address
from email.message import EmailMessage

from ..addresses import validate_address
from ..errors import PermanentError
from ..settings import Settings, get_settings
from .templates import Rendered

# Headers build_message sets itself; a caller may not override them.
OWN_HEADERS = {"from", "to", "subject", "date", "message-id", "mime-version", "content-type",
               "content-transfer-encoding"}
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # printable ASCII without ':' (RFC 5322)
_CONTENT_ID = re.compile(r"^[A-Za-z0-9._-]+(@[A-Za-z0-9.-]+)?$")


def build_message(to: str, rendered: Rendered, settings: Settings | None = None,
                  images: dict[str, bytes] | None = None,
                  headers: dict[str, str] | None = None, message_key: str | None = None) -> EmailMessage:
    """A multipart/alternative message (text, then HTML with its inline PNG images).

    ``images`` maps a Content-ID to PNG bytes; the HTML shows each one with
    ``<img src="cid:ID">``. ``headers`` adds headers such as List-Unsubscribe.
    ``message_key`` (a job's request) makes the Message-ID the same on every
    attempt, so a message sent twice is recognisably one message.
    """
    settings = settings or get_settings()
    message = EmailMessage()
    message["From"] = Address(settings.from_name, addr_spec=settings.from_email)
    message["To"] = validate_address(to)
    message["Subject"] = rendered.subject
    message["Date"] = email.utils.formatdate(usegmt=True)
    # The sender's domain, not this machine's hostname, which make_msgid uses by default.
    domain = settings.from_email.rpartition("@")[2]
    message["Message-ID"] = (f"<{hashlib.sha256(message_key.encode()).hexdigest()[:40]}@{domain}>" if message_key
                             else email.utils.make_msgid(domain=domain))
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
