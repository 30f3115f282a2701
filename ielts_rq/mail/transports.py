"""The three ways an email leaves ielts-rq: an outbox folder, SMTP or SendGrid.

Each mailer takes the settings, sends ``EmailMessage`` objects and is a
context manager, so a batch shares one connection::

    with get_mailer() as mailer:
        for message in messages:
            mailer.send(message)

Failures become job errors: a refusal that will not change on retry (a 5xx
answer, a bad login, a 4xx API answer) is a ``PermanentError`` quoting the
server's answer; a connection problem, a 4xx SMTP answer, a 429 or a 5xx API
answer is a ``TransientError``. Nothing retries here: the job's retry policy
does, with backoff. No secret ever appears in an error message.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import smtplib
import ssl
import tempfile
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import requests

from ..errors import IeltsRqError, NotFound, PermanentError, TransientError
from ..settings import Settings, redact

ANSWER_EXCERPT = 300  # characters of an API answer quoted in an error
OUTBOX_ID = re.compile(r"^\d{8}T\d{12}-[0-9a-f]{8}$")


class _Mailer:
    """Context-manager plumbing shared by the transports."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection, if any; the mailer can still send afterwards."""


class OutboxMailer(_Mailer):
    """Writes each message as an ``.eml`` file under ``home/outbox`` (development)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.folder = outbox_folder(settings)

    def send(self, message: EmailMessage) -> str:
        """Store the message; return its outbox id (sortable by time)."""
        self.settings.home_folder("outbox")  # owner-only: learners' addresses and reports
        now = time.time()
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now))
        outbox_id = f"{stamp}{int(now % 1 * 1_000_000):06d}-{secrets.token_hex(4)}"
        # Write then rename, so `outbox list` never sees a half-written file.
        with tempfile.NamedTemporaryFile(dir=self.folder, suffix=".tmp", delete=False) as file:
            file.write(message.as_bytes(policy=policy.SMTP))
        os.replace(file.name, self.folder / f"{outbox_id}.eml")
        return outbox_id


def outbox_folder(settings: Settings) -> Path:
    return settings.home / "outbox"


def list_outbox(settings: Settings) -> list[dict]:
    """The stored messages, newest first: id, to, subject, date and path."""
    folder = outbox_folder(settings)
    paths = sorted(folder.glob("*.eml"), reverse=True) if folder.is_dir() else []
    entries = []
    for path in paths:
        with path.open("rb") as file:
            headers = BytesParser(policy=policy.default).parse(file, headersonly=True)
        entries.append({"id": path.stem, "to": str(headers["To"]), "subject": str(headers["Subject"]),
                        "date": str(headers["Date"]), "path": path})
    return entries


def read_outbox(outbox_id: str, settings: Settings) -> EmailMessage:
    """One stored message by id; a malformed or unknown id is a ``PermanentError``."""
    if not isinstance(outbox_id, str) or not OUTBOX_ID.match(outbox_id):
        raise PermanentError(f"invalid outbox id {outbox_id!r}; expected an id shown by 'outbox list'")
    path = outbox_folder(settings) / f"{outbox_id}.eml"
    if not path.is_file():
        raise NotFound(f"no message {outbox_id!r} in the outbox at {path.parent}")
    with path.open("rb") as file:
        return BytesParser(policy=policy.default).parse(file)


class SmtpMailer(_Mailer):
    """Sends over SMTP; one connection, opened on the first send, serves a batch."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._connection: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> str:
        """Send the message; return its Message-ID."""
        try:
            if self._connection is None:
                self._connection = self._connect()
            self._connection.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()  # the session state is unknown: reconnect on the next send
            raise self._job_error(exc) from None
        return str(message["Message-ID"])

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        tls = ssl.create_default_context()
        # The host is given to the constructor: TLS checks the certificate against it.
        if s.smtp_security == "ssl":
            connection = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.service_connect_timeout,
                                          context=tls)
        else:
            connection = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.service_connect_timeout)
        try:
            connection.sock.settimeout(s.service_read_timeout)
            if s.smtp_security == "starttls":
                connection.starttls(context=tls)
            if s.smtp_username:
                connection.login(s.smtp_username, s.smtp_password.reveal())
        except BaseException:
            connection.close()
            raise
        return connection

    def _job_error(self, exc: Exception) -> IeltsRqError:
        server = f"SMTP server {self.settings.smtp_host}:{self.settings.smtp_port}"
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            code, answer = next(iter(exc.recipients.values()))
        elif isinstance(exc, smtplib.SMTPResponseException):
            code, answer = exc.smtp_code, exc.smtp_error
        elif isinstance(exc, ssl.SSLCertVerificationError):
            return PermanentError(f"{server}: TLS certificate not trusted: {exc.verify_message}")
        elif isinstance(exc, smtplib.SMTPServerDisconnected) or not isinstance(exc, smtplib.SMTPException):
            return TransientError(f"{server}: connection failed: {type(exc).__name__}: {exc}")
        else:  # e.g. STARTTLS or AUTH not offered: a configuration problem
            return PermanentError(redact(f"{server}: {exc}", self.settings))
        if isinstance(answer, bytes):
            answer = answer.decode("utf-8", "replace")
        what = "refused the login" if isinstance(exc, smtplib.SMTPAuthenticationError) else "answered"
        text = redact(f"{server} {what}: {code} {answer}", self.settings)
        return TransientError(text) if 400 <= code < 500 else PermanentError(text)


class SendGridMailer(_Mailer):
    """Sends through the SendGrid v3 API; one HTTP session serves a batch."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = f"{settings.sendgrid_base_url}/v3/mail/send"
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {settings.sendgrid_api_key.reveal()}"

    def send(self, message: EmailMessage) -> str:
        """Send the message; return SendGrid's message id (or the Message-ID)."""
        timeouts = (self.settings.service_connect_timeout, self.settings.service_read_timeout)
        try:
            response = self._session.post(self.url, json=sendgrid_payload(message), timeout=timeouts)
        except requests.RequestException as exc:
            raise TransientError(f"SendGrid unreachable at {self.url}: {type(exc).__name__}") from None
        status = response.status_code
        if 200 <= status < 300:
            return response.headers.get("X-Message-Id") or str(message["Message-ID"])
        answer = redact(response.text.strip().replace("\n", " "), self.settings)
        answer = answer[:ANSWER_EXCERPT] or "(empty body)"
        if status == 429 or status >= 500:
            raise TransientError(f"SendGrid answered {status}: {answer}")
        raise PermanentError(f"SendGrid refused the message ({status}): {answer}")

    def close(self) -> None:
        self._session.close()


# Headers SendGrid sets itself (or refuses in "headers"); everything else is passed on.
_SENDGRID_OWN_HEADERS = {"from", "to", "subject", "date", "message-id", "mime-version",
                         "content-type", "content-transfer-encoding"}


def sendgrid_payload(message: EmailMessage) -> dict:
    """The v3 ``mail/send`` JSON for a message built by ``mail.build_message``."""
    sender = message["From"].addresses[0]
    payload = {
        "personalizations": [{"to": [{"email": a.addr_spec} for a in message["To"].addresses]}],
        "from": {"email": sender.addr_spec, "name": sender.display_name},
        "subject": str(message["Subject"]),
        "content": [],
    }
    attachments = []
    for part in message.walk():
        if part.is_multipart():
            continue
        if part["Content-ID"]:
            attachments.append(_sendgrid_inline_image(part))
        elif part.get_content_type() in ("text/plain", "text/html"):
            payload["content"].append({"type": part.get_content_type(), "value": part.get_content()})
    if attachments:
        payload["attachments"] = attachments
    headers = {k: str(v) for k, v in message.items() if k.lower() not in _SENDGRID_OWN_HEADERS}
    if headers:
        payload["headers"] = headers
    return payload


def _sendgrid_inline_image(part: EmailMessage) -> dict:
    content_id = part["Content-ID"].strip("<>")
    return {
        "content": base64.b64encode(part.get_content()).decode("ascii"),
        "type": part.get_content_type(),
        "filename": part.get_filename() or content_id,
        "disposition": "inline",
        "content_id": content_id,
    }
