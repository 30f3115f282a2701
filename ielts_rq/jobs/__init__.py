"""The jobs: plain module-level functions with JSON-safe arguments, one module per queue.

Their dotted paths (``ielts_rq.jobs.scoring.score_submission``) are stored in
queued jobs, failed-job registries and schedule entries: they never change.
A job fetches its inputs, calls the code below it (the scorer, the engines,
the store, the mailer) and stores its outputs; it never imports another job.
"""
