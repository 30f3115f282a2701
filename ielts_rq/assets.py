"""Files that ship with the package: the email and dashboard templates."""

from __future__ import annotations

from pathlib import Path


def templates_dir() -> Path:
    """``templates/``: inside the wheel (as ``ielts_rq/_templates``), or at the top of a checkout."""
    package = Path(__file__).parent
    installed = package / "_templates"
    return installed if installed.is_dir() else package.parent / "templates"
