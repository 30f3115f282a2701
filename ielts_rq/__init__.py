"""ielts-rq: the background-job system of the IELTS practice platform, on RQ and Redis.

What the platform imports::

    from ielts_rq import enqueue, store
    submission_id = store.create_submission("user-42", "writing_task_2", essay, prompt=question)
    job = enqueue("score_submission", submission_id)
    result = wait_for_result(submission_id, timeout=60, job=job)   # ResultTimeout after 60 s
    for result in listen_for_results():    # every result as it is stored
        ...

The errors a caller may catch are exported here too.
"""

from . import store
from .errors import ConfigError, IeltsRqError, NotFound, PermanentError, TransientError
from .queueing.arguments import JobArgumentsError
from .queueing.enqueue import enqueue, enqueue_many
from .store.waiting import ResultTimeout, ScoringFailed, listen_for_results, wait_for_result

__version__ = "0.1.0"
__all__ = ["ConfigError", "IeltsRqError", "JobArgumentsError", "NotFound", "PermanentError", "ResultTimeout",
           "ScoringFailed", "TransientError", "enqueue", "enqueue_many", "listen_for_results", "store",
           "wait_for_result"]
