"""Logging for every ielts-rq process: one line per event, secrets masked.

Text a job carries (its arguments, its error) reaches log lines; control
characters in it are escaped in both formats, so it can neither forge a line
nor drive the reader's terminal. A traceback in the text format is one line
too, its line breaks shown as ``\\n``.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time

from .settings import get_settings, redact

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# What a logged value must not carry raw: C0 and C1 control characters and DEL (a newline or carriage
# return would let a job's text forge a log line after it; ESC starts terminal escapes), the Unicode
# line and paragraph separators (line ends to many viewers), and the bidirectional overrides and
# isolates (they reorder how a line reads).
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    """``text`` on one line with its control characters shown as escapes (``\\n``, ``\\x1b``, ``\\u2028``)."""
    return _CONTROLS.sub(_escape, text)


def _escape(match: re.Match) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


class MaskSecrets(logging.Filter):
    """Replace any configured secret or URL password that reaches a log line with ****."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set: the traceback is masked once, here.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


class OncePerOutage(logging.Filter):
    """Say "cannot reach Redis" once, not at every retry: RQ logs each attempt while it backs off."""

    REMIND_AFTER = 600  # seconds: a long outage is mentioned again every ten minutes

    def __init__(self):
        super().__init__()
        self.said_at = None

    def filter(self, record: logging.LogRecord) -> bool:
        if "could not connect to Redis" not in str(record.msg):
            return True
        now = time.monotonic()
        if self.said_at is not None and now - self.said_at < self.REMIND_AFTER:
            return False
        self.said_at = now
        record.msg = record.getMessage().split(" retrying in")[0] + "; retrying with backoff until it is back"
        record.args = None
        return True


class OneLine(logging.Formatter):
    """The text format: one line per event, the message and any traceback escaped onto it."""

    def format(self, record: logging.LogRecord) -> str:
        return escape_controls(super().format(record))


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, message, and a job event's fields when it has them."""

    FIELDS = ("job", "job_id", "queue", "duration", "outcome", "worker")

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        entry.update({field: getattr(record, field) for field in self.FIELDS if hasattr(record, field)})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["traceback"] = record.exc_text
        # ensure_ascii (the default) writes every control character, C1 and U+2028 included, as an escape.
        return json.dumps(entry, default=str)


def setup_logging(level: str | None = None) -> None:
    settings = get_settings()
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        formatter = JsonLines()
        formatter.converter = time.gmtime
        handler.setFormatter(formatter)
    else:
        handler.setFormatter(OneLine(FORMAT))
    handler.addFilter(OncePerOutage())
    handler.addFilter(MaskSecrets())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level or settings.log_level)
    # RQ logs each job twice over and tracebacks on many lines; ielts-rq logs
    # one line per job event itself (worker.py), so keep RQ to warnings.
    # rq-scheduler's "Registering birth" says nothing to an operator: `ielts-rq scheduler` says it in words.
    for name in ("rq.worker", "rq.scheduler", "rq.queue", "rq.job", "rq_scheduler.scheduler"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
