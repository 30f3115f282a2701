"""Seed the store with results spread over past days, through the store's own write path."""

from __future__ import annotations

import random
import time

CRITERIA = ("task_response", "coherence_cohesion", "lexical_resource", "grammatical_range_accuracy")


def seed_results(learners: int, results: int, days: int) -> float:
    """Store ``results`` scored submissions for ``learners`` over the last ``days``; return seconds taken."""
    from ielts_rq import store
    from ielts_rq.store import records

    rng = random.Random(11)
    now = time.time()
    real_now = records.now
    started = time.perf_counter()
    try:
        for n in range(results):
            moment = now - rng.uniform(0, days * 86400)
            records.now = lambda moment=moment: moment  # the store stamps records with this time
            submission_id = store.create_submission(f"learner-{n % learners}", "writing_task_2", f"Essay {n}.")
            bands = [rng.choice((5.0, 5.5, 6.0, 6.5, 7.0, 7.5)) for _ in CRITERIA]
            response = {"overall_band_score": sum(bands) / 4, "confidence": 0.8, "model_used": "bench",
                        "criteria_scores": [{"criterion": c, "band_score": b} for c, b in zip(CRITERIA, bands)]}
            records.now = lambda moment=moment: moment + 30
            store.save_result(store.get_submission(submission_id), response, scorer="bench")
    finally:
        records.now = real_now
    return time.perf_counter() - started
