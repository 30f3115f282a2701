"""RQ plumbing: the Redis connection, the queues, enqueue and dequeue, schedules and workers.

Nothing here knows what a job does: jobs are named by the policy table
(``ielts_rq.policies``) and imported by the worker by their dotted path.
"""
