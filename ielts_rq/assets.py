"""Files that ship with the package: the email and dashboard templates."""

from __future__ import annotations

from pathlib import Path


def templates_dir() -> Path:
    """``ielts_rq/templates/`` (the dashboard's), in a checkout and in the installed wheel alike."""
    return Path(__file__).parent / "templates"


def email_templates_dir() -> Path:
    """The email templates: ``ielts_rq/templates/emails/`` in the installed wheel, which the build maps
    from the repository's top-level ``templates/emails/`` (setup.py), where a checkout keeps them."""
    shipped = templates_dir() / "emails"
    return shipped if shipped.is_dir() else Path(__file__).parent.parent / "templates" / "emails"
