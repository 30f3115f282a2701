"""ielts-rq: the background-job system of the IELTS practice platform, on RQ and Redis.

What the platform imports::

    from ielts_rq import enqueue, store
    submission_id = store.create_submission("user-42", "writing_task_2", essay, prompt=question)
    job = enqueue("score_submission", submission_id)
    result = wait_for_result(submission_id, timeout=60, job=job)   # ResultTimeout after 60 s
    for result in listen_for_results():    # every result as it is stored
        ...

The errors a caller may catch are exported here too.

Each name is imported when first used (PEP 562): ``import ielts_rq.cli`` for ``ielts-rq --help`` must not
pay for RQ, Redis and the store.
"""

from importlib import import_module

__version__ = "0.1.0"

# Each public name and the module that defines it.
_EXPORTS = {
    "ConfigError": ".errors", "IeltsRqError": ".errors", "NotFound": ".errors", "PermanentError": ".errors",
    "TransientError": ".errors",
    "JobArgumentsError": ".queueing.arguments",
    "enqueue": ".queueing.enqueue", "enqueue_many": ".queueing.enqueue",
    "ResultTimeout": ".store.waiting", "ScoringFailed": ".store.waiting", "listen_for_results": ".store.waiting",
    "wait_for_result": ".store.waiting",
}
__all__ = sorted([*_EXPORTS, "store"])


def __getattr__(name: str):
    if name == "store":
        return import_module(".store", __name__)
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
