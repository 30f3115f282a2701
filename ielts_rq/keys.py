"""Every Redis key of ielts-rq's own records, built in one place from one prefix.

RQ keeps its own keys (``rq:...``); these are the platform's records:
submissions, users, results, batches, health and monitoring samples.
"""

from __future__ import annotations

from .settings import get_settings


def key(*parts: str) -> str:
    """``key("submission", "abc")`` -> ``"ielts:submission:abc"`` (prefix from settings)."""
    return get_settings().key_prefix + ":".join(str(part) for part in parts)
