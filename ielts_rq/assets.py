"""Files that ship with the package: the email and dashboard templates."""

from __future__ import annotations

from pathlib import Path


def templates_dir() -> Path:
    """``ielts_rq/templates/``, in a checkout and in the installed wheel alike."""
    return Path(__file__).parent / "templates"
