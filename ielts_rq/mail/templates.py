"""Rendering a message from its templates, ``templates/emails/<name>/``.

Each message has ``subject.txt``, ``body.txt`` and ``body.html``, extending
``_base``. Templates use ``StrictUndefined``: a missing variable or template
is a ``PermanentError`` naming the template, never an email with a hole in it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import jinja2

from ..assets import email_templates_dir
from ..errors import PermanentError
from ..settings import Settings, get_settings

MESSAGES = ("welcome", "scoring_complete", "weekly_report", "platform_report", "generic")
TEMPLATE_PARTS = ("subject.txt", "body.txt", "body.html")


@dataclass(frozen=True)
class Rendered:
    """A rendered email: a one-line subject and equivalent text and HTML bodies."""

    subject: str
    text: str
    html: str


def emails_dir():
    return email_templates_dir()


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(emails_dir()),
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
                             f"in {emails_dir()}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise PermanentError(f"email template {exc.name or template!r}, line {exc.lineno}: "
                             f"{exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise PermanentError(f"email template {template!r}: {exc.message}") from None
