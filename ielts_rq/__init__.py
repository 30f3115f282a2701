"""ielts-rq: the background-job system of the IELTS practice platform, on RQ and Redis.

What the platform imports::

    from ielts_rq import enqueue, store
    submission_id = store.create_submission("user-42", "writing_task_2", essay, prompt=question)
    job = enqueue("score_submission", submission_id)
    store.get_result(submission_id)        # None until scored, then the result

The errors a caller may catch are exported here too.
"""

from . import store
from .errors import ConfigError, IeltsRqError, NotFound, PermanentError, TransientError
from .queueing.arguments import JobArgumentsError
from .queueing.enqueue import enqueue, enqueue_many

__version__ = "0.1.0"
__all__ = ["ConfigError", "IeltsRqError", "JobArgumentsError", "NotFound", "PermanentError", "TransientError",
           "enqueue", "enqueue_many", "store"]
