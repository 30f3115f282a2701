"""Whether a job's function can be called with its arguments, answered before the call is made.

A job called with a missing or an extra argument used to fail deep in its function as a bare TypeError,
or not fail at all when a default filled the gap. Both doors ask here: ``enqueue()`` refuses the call
before anything is queued, and a worker fails a job whose record names a call that does not fit (written
by another client, or queued before its function changed) at once, naming the job and what is wrong, with
no retry (the same arguments would fail the same way).
"""

from __future__ import annotations

import inspect

from ..errors import PermanentError


class JobArgumentsError(PermanentError, TypeError):
    """Arguments that do not fit the job's function (it would fail with a bare TypeError on a worker)."""


def bind_arguments(name: str, signature: inspect.Signature, args, kwargs) -> inspect.BoundArguments:
    """The call bound to ``signature``, or ``JobArgumentsError`` ("score_submission: missing a required
    argument: 'submission_id'; it takes (submission_id)"). Argument values never appear in the message."""
    try:
        return signature.bind(*args, **kwargs)
    except TypeError as exc:
        raise JobArgumentsError(f"{name}: {exc}; it takes {_plain(signature)}") from None


def check_arguments(func, args, kwargs) -> None:
    """Raise ``JobArgumentsError`` unless ``func(*args, **kwargs)`` would bind; nothing is called."""
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # a builtin without a signature to compare with: the call will tell
        return
    bind_arguments(getattr(func, "__name__", "job"), signature, args, kwargs)


def _plain(signature: inspect.Signature) -> str:
    """``(email, name)``: the parameters without their annotations."""
    return f"({', '.join(str(p.replace(annotation=p.empty)) for p in signature.parameters.values())})"
