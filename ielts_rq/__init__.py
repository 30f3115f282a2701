"""ielts-rq: the background-job system of the IELTS practice platform, on RQ and Redis.

What the platform imports::

    from ielts_rq import enqueue
    job = enqueue("score_submission", submission_id)
"""

from .enqueue import enqueue, enqueue_many

__version__ = "0.1.0"
__all__ = ["enqueue", "enqueue_many"]
