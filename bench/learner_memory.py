"""``python bench/learner_memory.py``: Redis memory per learner and per submission once retention applies.

Weeks of steady traffic on a simulated clock (freezegun), through the store's own write paths, on a private
embedded Valkey server:

- every learner submits an essay every other day (half of them on odd days, half on even), scored by the
  built-in scorer (a few real answers computed once, stored per submission like any other);
- on Mondays each learner's weekly report is computed from their results and stored, as the analytics job does;
- at 02:00 each day the real nightly cleanup job (``cleanup_old_results``) applies ``policies.RETENTION``.

It prints Redis memory (``used_memory`` less the empty server's) at the end of every simulated day, then the
steady state: memory per learner, per submission held, and the spread of the last simulated week, which must
stay within 5%. Records that expire by a Redis TTL (email markers, RQ jobs) follow the server's real clock and
are not part of the simulation; they are counted per submission in the README from their sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

START = datetime(2026, 1, 5, tzinfo=timezone.utc)  # a Monday
FLAT_WITHIN = 0.05


def _essays(count: int) -> list[tuple[str, str]]:
    """``count`` distinct (prompt, essay) bases: graded essays of the suite."""
    from tests import essays, essays_ladder

    bases = [(essays_ladder.PROMPT, text) for _, text in essays_ladder.LADDER]
    bases += [(essays.PROMPT, essays.GOOD_ESSAY), (essays.PROMPT, essays.MISSPELLED_ESSAY)]
    return bases[:count]


def simulate(learners: int, weeks: int, clock) -> list[dict]:
    from ielts_rq import store
    from ielts_rq.jobs.scoring import _builtin_version, cleanup_old_results
    from ielts_rq.queueing import keys
    from ielts_rq.queueing.connection import get_connection
    from ielts_rq.reports.weekly import weekly_report
    from ielts_rq.scoring import score

    connection = get_connection()
    bases = _essays(6)
    scored = [score("writing_task_2", text, prompt) for prompt, text in bases]  # real responses, computed once
    version = _builtin_version()
    for n in range(learners):
        store.save_user(f"learner-{n:05d}", email=f"learner{n}@example.org", name=f"Learner {n}")
    baseline = connection.info("memory")["used_memory"]
    days, number = [], 0
    for day in range(weeks * 7):
        today = START + timedelta(days=day)
        clock.move_to(today + timedelta(hours=2))
        cleanup = cleanup_old_results()
        if today.weekday() == 0:
            clock.move_to(today + timedelta(hours=6))
            for n in range(learners):
                user_id = f"learner-{n:05d}"
                report = weekly_report("user", user_id, today.date())
                store.save_analytics("weekly_user", user_id, report["week"]["start"], report["week"]["end"], report)
        for n in range(day % 2, learners, 2):
            clock.move_to(today + timedelta(hours=8, seconds=n * 30))
            prompt, text = bases[number % len(bases)]
            submission_id = store.create_submission(f"learner-{n:05d}", "writing_task_2",
                                                    f"{text} (Answer {number}.)", prompt=prompt)
            clock.move_to(today + timedelta(hours=8, seconds=n * 30 + 20))
            store.save_result(store.get_submission(submission_id), scored[number % len(scored)], scorer="builtin",
                              scorer_version=version)
            number += 1
        memory = connection.info("memory")["used_memory"] - baseline
        held = connection.zcard(keys.submissions_by_time())
        days.append({"day": day + 1, "date": today.date().isoformat(), "memory": memory, "submissions_held": held,
                     "results_held": connection.zcard(keys.results_by_time()),
                     "cleanup_removed": cleanup["removed"]})
        print(f"day {day + 1:3}  {today.date()}  {memory / 2**20:8.2f} MiB  submissions held {held:6,}  "
              f"removed by the cleanup {sum(cleanup['removed'].values()):5,}", flush=True)
    return days


def summary(days: list[dict], learners: int) -> dict:
    last_week = days[-7:]
    low, high = min(d["memory"] for d in last_week), max(d["memory"] for d in last_week)
    steady = sum(d["memory"] for d in last_week) / 7
    held = sum(d["submissions_held"] for d in last_week) / 7
    return {"learners": learners, "days": len(days), "steady_memory_mib": round(steady / 2**20, 2),
            "per_learner_kib": round(steady / learners / 1024, 1), "per_submission_kib": round(steady / held / 1024, 2),
            "submissions_held": round(held), "last_week_spread": round((high - low) / low, 4),
            "flat": (high - low) / low <= FLAT_WITHIN}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/learner_memory.py", description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=16, help="long enough for the longest retention (90 days)")
    options = parser.parse_args(argv)
    os.environ["IELTS_RQ_HOME"] = tempfile.mkdtemp(prefix="irq-memory-", dir="/tmp")
    os.environ.pop("REDIS_URL", None)
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

    from freezegun import freeze_time

    from ielts_rq.queueing import embedded
    from ielts_rq.settings import get_settings

    home = get_settings().home
    embedded.ensure_running(home)
    try:
        with freeze_time(START) as clock:
            days = simulate(options.learners, options.weeks, clock)
        figures = summary(days, options.learners)
    finally:
        embedded.stop(home)
    print(json.dumps(figures))
    return 0 if figures["flat"] else 1


if __name__ == "__main__":
    sys.exit(main())
