"""Whether a job's function can be called with its arguments, answered before the call is made.

A job called with a missing or an extra argument used to fail deep in its function as a bare TypeError,
or not fail at all when a default filled the gap; here it fails at once, naming the job and what is
wrong, and is not retried (the same arguments would fail the same way).
"""

from __future__ import annotations

import inspect

from ..errors import PermanentError


class BadArguments(PermanentError):
    """A job's arguments do not fit its function's signature."""


def check_arguments(func, args, kwargs) -> None:
    """Raise ``BadArguments`` ("score_submission() missing a required argument: 'submission_id'") unless
    ``func(*args, **kwargs)`` would bind; nothing is called."""
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # a builtin without a signature to compare with: the call will tell
        return
    try:
        signature.bind(*args, **kwargs)
    except TypeError as exc:
        raise BadArguments(f"{getattr(func, '__name__', 'job')}() {exc}") from None
