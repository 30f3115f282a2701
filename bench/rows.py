"""Each row of the benchmark table: this system and plain RQ doing the same work on the same server."""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rq import Queue
from rq.serializers import JSONSerializer

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    what: str
    ours: float | None
    plain: float | None
    unit: str
    higher_is_better: bool = True
    note: str = ""

    @property
    def ratio(self) -> str:
        if not self.ours or not self.plain:
            return ""
        value = self.ours / self.plain if self.higher_is_better else self.plain / self.ours
        return f"{value:.0%}"


def print_table(rows: list[Row]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="ielts-rq against plain RQ (ratio: ours as a share of plain RQ's performance)")
    for column in ("measure", "ielts-rq", "plain RQ / ceiling", "unit", "ratio", "note"):
        table.add_column(column, justify="right" if column in ("ielts-rq", "plain RQ / ceiling", "ratio") else "left")
    for row in rows:
        table.add_row(row.what, _fmt(row.ours), _fmt(row.plain), row.unit, row.ratio, row.note)
    Console(width=200).print(table)


def _fmt(value) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"


def _connection():
    from ielts_rq.queueing.connection import get_connection

    return get_connection()


def _fresh():
    _connection().flushdb()


def _env() -> dict:
    # Our workers run only registered jobs: the benchmark's own (bench.jobs) are registered here.
    return {**os.environ, "PYTHONPATH": str(ROOT), "EXTRA_JOB_MODULES": "bench.jobs",
            "RATE_LIMITS": "scoring=10000000,email=10000000,file_processing=10000000"}


def _worker(kind: str, *queues: str, burst=True, warm_jobs=0) -> subprocess.Popen:
    args = [sys.executable, "-m", "bench.worker_process", kind, *queues] + (["--burst"] if burst else [])
    args += ["--warm-jobs", str(warm_jobs)] if warm_jobs else []
    return subprocess.Popen(args, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def _finish(process) -> dict:
    out, _ = process.communicate(timeout=3600)
    result = json.loads(out.strip().splitlines()[-1])
    # A figure for jobs that failed (a job refused, say) would measure the wrong thing: stop instead.
    assert not result["failed"], f"{result['failed']} benchmark jobs failed: the figure would be wrong"
    return result


def _enqueue_noops(queue_name: str, count: int) -> None:
    """``count`` no-op jobs on a fresh server, by RQ's own bulk enqueue (the same for both sides)."""
    _fresh()
    queue = Queue(queue_name, connection=_connection(), serializer=JSONSerializer)
    for start in range(0, count, 1000):
        with _connection().pipeline() as pipe:
            queue.enqueue_many([queue.prepare_data("bench.jobs.noop", timeout=60, result_ttl=3600)
                                for _ in range(min(1000, count - start))], pipeline=pipe)
            pipe.execute()


# 1. Bulk enqueue ----------------------------------------------------------------

def bulk_enqueue(scale: float) -> list[Row]:
    count = int(100_000 * scale)
    ids = [f"sub_{n:020d}" for n in range(count)]
    path = Path(tempfile.mkstemp(suffix=".txt")[1])
    path.write_text("\n".join(ids) + "\n")
    _fresh()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ielts_rq.cli", "enqueue", "score", "--from-file", str(path)], cwd=ROOT,
                   env=_env(), check=True, capture_output=True)
    ours = count / (time.perf_counter() - started)
    _fresh()
    queue = Queue("plain", connection=_connection(), serializer=JSONSerializer)
    started = time.perf_counter()
    for start in range(0, count, 1000):
        with _connection().pipeline() as pipe:
            queue.enqueue_many([queue.prepare_data("bench.jobs.noop", args=(sid,), timeout=120, result_ttl=86400)
                                for sid in ids[start:start + 1000]], pipeline=pipe)
            pipe.execute()
    plain = count / (time.perf_counter() - started)
    return [Row(f"bulk enqueue of {count:,} score jobs", ours, plain, "jobs/s",
                note="ours: the whole `ielts-rq enqueue score --from-file` command")]


# 2. Job overhead ------------------------------------------------------------------

def job_overhead(scale: float) -> list[Row]:
    count = int(5000 * scale)
    rows = []
    for mode, plain_kind in (("simple", "plain-simple"), ("fork", "plain-fork")):
        rates = {}
        for kind, queue_name in ((f"ours-{mode}", "analytics"), (plain_kind, "plain")):
            _enqueue_noops(queue_name, count)
            rates[kind] = count / _finish(_worker(kind, queue_name))["seconds"]
        rows.append(Row(f"no-op jobs, one {mode} worker", rates[f"ours-{mode}"], rates[plain_kind], "jobs/s",
                        note=f"{count:,} jobs; ours logs a line per job"))
    return rows


# 3. End-to-end scoring --------------------------------------------------------------

def _essays(count: int) -> list[str]:
    from ielts_rq.scoring.samples import TASK_2_ESSAY

    sentences = [s.strip() + "." for s in TASK_2_ESSAY.replace("\n", " ").split(".") if len(s.split()) > 3]
    rng = random.Random(7)
    return [" ".join(rng.sample(sentences, len(sentences) - 2)) + f" This is essay {n}." for n in range(count)]


def _score_text(text: str) -> float:
    from ielts_rq.scoring import score
    from ielts_rq.scoring.samples import TASK_2_PROMPT

    return score("writing_task_2", text, TASK_2_PROMPT)["overall_band_score"]


def scoring(scale: float) -> list[Row]:
    from multiprocessing import get_context

    from ielts_rq import enqueue, store
    from ielts_rq.scoring.samples import TASK_2_PROMPT

    count = int(10_000 * scale)
    essays = _essays(count)
    with get_context("fork").Pool(2, initializer=_score_text, initargs=(essays[0],)) as pool:
        pool.map(_score_text, essays[:20])  # warm
        started = time.perf_counter()
        pool.map(_score_text, essays, chunksize=50)
        ceiling = count / (time.perf_counter() - started)
    rows = []
    for mode in ("fork", "simple"):
        _fresh()
        ids = [store.create_submission(f"bench-{n % 500}", "writing_task_2", text, TASK_2_PROMPT)
               for n, text in enumerate(essays)]
        workers = [_worker(f"ours-{mode}", "scoring", burst=False) for _ in range(2)]
        time.sleep(4)  # both have loaded the scorer
        started = time.perf_counter()
        enqueue("score_batch", ids)
        while _connection().zcard("ielts:results:by_time") < count:
            time.sleep(0.05)
        ours = count / (time.perf_counter() - started)
        for worker in workers:
            worker.terminate()
            worker.wait()
        rows.append(Row(f"scoring {count:,} stored essays, 2 {mode} workers", ours, ceiling, "essays/s",
                        note="plain side: the scorer in a 2-process loop (the ceiling)"))
    return rows


# 4. Latency ---------------------------------------------------------------------------

LATENCY_SHAPES = (  # (row label, our worker kind and queues, plain RQ's); jobs go to the last queue
    ("simple worker", ("ours-simple", "analytics"), ("plain-simple", "plain")),
    ("forking worker", ("ours-fork", "analytics"), ("plain-fork", "plain")),
    ("simple worker on 3 queues, job on the 3rd", ("ours-simple", "health", "email", "analytics"),
     ("plain-simple", "plain-a", "plain-b", "plain")),
)


def latency(scale: float) -> list[Row]:
    samples = max(50, int(300 * scale))
    rows = []
    for label, ours_shape, plain_shape in LATENCY_SHAPES:
        figures = [_latency_of(kind, queues, samples) for kind, *queues in (ours_shape, plain_shape)]
        (ours_p50, ours_p99), (plain_p50, plain_p99) = figures
        rows.append(Row(f"enqueue-to-start p50, {label}", ours_p50, plain_p50, "ms", higher_is_better=False))
        rows.append(Row(f"enqueue-to-start p99, {label}", ours_p99, plain_p99, "ms", higher_is_better=False))
    return rows


def _latency_of(kind: str, queues: list[str], samples: int) -> tuple[float, float]:
    _fresh()
    worker = _worker(kind, *queues, burst=False)
    time.sleep(2)
    queue = Queue(queues[-1], connection=_connection(), serializer=JSONSerializer)
    waits = []
    for _ in range(samples):
        job = queue.enqueue("bench.jobs.noop")
        while job.get_status() not in ("finished", "failed"):
            time.sleep(0.001)
        job.refresh()
        waits.append((job.started_at - job.enqueued_at).total_seconds() * 1000)
    worker.terminate()
    worker.wait()
    return statistics.median(waits), statistics.quantiles(waits, n=100)[98]


# 5. Memory ------------------------------------------------------------------------------

def _idle_rss(kind: str, *queues: str) -> float:
    from bench.worker_process import rss_mib

    worker = _worker(kind, *queues, burst=False)
    time.sleep(4)
    rss = rss_mib(worker.pid)
    worker.terminate()
    worker.wait()
    return rss


def memory(scale: float) -> list[Row]:
    from ielts_rq.queueing.enqueue import enqueue_many

    _fresh()
    plain = _idle_rss("plain-fork", "plain")
    rows = [Row(f"idle worker RSS, {name}", _idle_rss("ours-fork", *queues), plain, "MiB", higher_is_better=False,
                note=note)
            for name, queues, note in (
                ("email only", ("email",), "target < 60 MiB"),
                ("scoring", ("scoring",), "scorer's word lists and model loaded before forking"),
                ("all five queues", ("scoring", "file_processing", "email", "analytics", "health"), ""))]
    count = int(10_000 * scale)
    enqueue_many("health_check", [((), {}) for _ in range(count + 200)])
    grown = _finish(_worker("ours-simple", "health", warm_jobs=200))
    rows.append(Row(f"in-process worker RSS after {count:,} health checks", grown["rss_mib"], grown["rss_warm_mib"],
                    "MiB", higher_is_better=False, note="plain column: the same worker after its first 200 jobs"))
    return rows


# 6. Analytics ----------------------------------------------------------------------------

def analytics(scale: float) -> list[Row]:
    from bench.seed import seed_results
    from ielts_rq.jobs import analytics as jobs
    from ielts_rq.reports.figures import parse_day

    _fresh()
    learners, results = int(5000 * scale), int(100_000 * scale)
    seeded = seed_results(learners, results, days=90)
    today = parse_day(None).isoformat()
    rows = [Row(f"seed {results:,} results for {learners:,} learners over 90 days", seeded, None, "s",
                higher_is_better=False)]
    for label, call, repeat in (
            ("learner analytics, 90 days", lambda: jobs.process_user_analytics("learner-17", "90d", today), 50),
            ("platform analytics, 7 days", lambda: jobs.process_platform_analytics("7d", today), 5),
            ("platform analytics, 90 days", lambda: jobs.process_platform_analytics("90d", today), 5),
            ("weekly report with charts, learner", lambda: jobs.generate_weekly_report("user", "learner-17"), 3),
            ("weekly report with charts, platform", lambda: jobs.generate_weekly_report("platform"), 3)):
        call()  # warm (imports, matplotlib fonts)
        started = time.perf_counter()
        for _ in range(repeat):
            call()
        rows.append(Row(label, (time.perf_counter() - started) / repeat * 1000, None, "ms", higher_is_better=False))
    return rows


# 7. Redis commands per job ------------------------------------------------------------------

def _commands() -> int:
    stats = _connection().info("commandstats")
    return sum(entry["calls"] for entry in stats.values())


def commands(scale: float) -> list[Row]:
    from ielts_rq.queueing.enqueue import enqueue_many

    count = 1000
    figures = {}
    for kind, queue_name in (("ours-simple", "analytics"), ("plain-simple", "plain")):
        _fresh()
        before = _commands()
        if kind.startswith("ours"):
            enqueue_many("cleanup_old_analytics", [((90,), {}) for _ in range(count)])
        else:
            queue = Queue(queue_name, connection=_connection(), serializer=JSONSerializer)
            with _connection().pipeline() as pipe:
                queue.enqueue_many([queue.prepare_data("ielts_rq.jobs.analytics.cleanup_old_analytics", args=(90,),
                                                       timeout=600, result_ttl=86400) for _ in range(count)],
                                   pipeline=pipe)
                pipe.execute()
        _finish(_worker(kind, queue_name))
        figures[kind] = (_commands() - before) / count
    return [Row("Redis commands per job (enqueue, run, result)", figures["ours-simple"], figures["plain-simple"],
                "commands", higher_is_better=False, note="a small real job; includes the job's own commands")]


# 8. What the dashboard's history costs --------------------------------------------------------

def dashboard_cost(scale: float) -> list[Row]:
    """What the per-job counters behind the graphs add to a job (counting it, and the counts' place in the
    heartbeat the worker sends before each dequeue), against what a job costs, measured in one run;
    and the most Redis memory the sampled history can take (every bucket and ring full, all queues busy).

    Measured directly rather than as two worker runs compared: on a shared
    machine two runs of the same worker differ by more than the cost sought.
    """
    from ielts_rq.queueing.enqueue import enqueue
    from ielts_rq.queueing.queues import get_queue
    from ielts_rq.queueing.worker import InProcessWorker

    _fresh()
    job = enqueue("health_check")
    job.started_at = job.enqueued_at
    worker = InProcessWorker([get_queue("health", _connection())], connection=_connection())
    rounds, calls = int(20 * scale) or 1, 250

    def beats(counting: bool) -> float:
        started = time.perf_counter()
        for _ in range(calls):
            if counting:
                worker.tally.add(job, "finished", "health", 0.01)
            worker.heartbeat()  # the beat before each dequeue: it writes what the tally holds
        return time.perf_counter() - started

    beats(True)
    # Alternating rounds, so a busy neighbour on the machine slows both alike.
    with_counts = without = 0.0
    for _ in range(rounds):
        without += beats(False)
        with_counts += beats(True)
    counting_ms = max(with_counts - without, 0.0) / (rounds * calls) * 1000

    count = int(5000 * scale)
    _enqueue_noops("analytics", count)
    noop_ms = _finish(_worker("ours-simple", "analytics"))["seconds"] / count * 1000
    essay = _essays(1)[0]
    _score_text(essay)
    started = time.perf_counter()
    for _ in range(20):
        _score_text(essay)
    scoring_ms = noop_ms + (time.perf_counter() - started) / 20 * 1000
    return [Row("per-job counters behind the graphs", counting_ms, None, "ms/job", higher_is_better=False,
                note=f"{counting_ms / noop_ms:.1%} of a no-op job ({noop_ms:.1f} ms on an in-process worker), "
                     f"{counting_ms / scoring_ms:.1%} of a built-in scoring job ({scoring_ms:.1f} ms)"),
            Row("dashboard history in Redis, at its largest", _largest_history_kib(), None, "KiB",
                higher_is_better=False, note="minute buckets (2 h) + hour buckets (8 days) + depth rings "
                                             "(1,440 + 168 samples), every queue busy; all expire or are trimmed")]


def _largest_history_kib() -> float:
    """Fill one bucket of each kind and one depth sample as a busy system would, and multiply by what is kept."""
    from ielts_rq.ops import monitor
    from ielts_rq.policies import METRICS_BUCKETS, QUEUES
    from ielts_rq.queueing import keys

    _fresh()
    connection = _connection()
    total = 0
    for resolution, (width, kept) in METRICS_BUCKETS.items():
        bucket = keys.metrics_bucket(resolution, 1)
        for queue in QUEUES:
            for outcome in ("finished", "failed", "waited"):
                connection.hset(bucket, f"{queue}:{outcome}", 123456)
            for seconds in ("run_seconds", "wait_seconds"):
                connection.hset(bucket, f"{queue}:{seconds}", 12345.678901)
        total += connection.memory_usage(bucket) * (kept // width)
    from ielts_rq.queueing.depths import REGISTRIES

    sample = {queue: {name: 123456 for name in ("queued", *REGISTRIES)} for queue in QUEUES}
    monitor.save_depth_sample(connection, sample, {queue: 12345.6 for queue in QUEUES})
    for key, kept in ((keys.depth_history(), monitor.HISTORY_LENGTH), (keys.depth_history_hourly(),
                                                                        monitor.HOURLY_LENGTH)):
        entry = connection.lindex(key, 0)
        total += (len(entry) + 24) * kept if entry else 0  # 24: a list entry's own overhead, about
    return total / 1024


# 9. What one Redis primary carries -----------------------------------------------------------

def _redis_cpu_seconds() -> float:
    info = _connection().info("cpu")
    return info["used_cpu_sys"] + info["used_cpu_user"]


def capacity(scale: float) -> list[Row]:
    """Jobs a second with 1, 2 and 4 in-process workers on one Valkey, and where the CPU goes: the server's
    CPU per job says how many jobs a second one server core carries. Then Redis memory per scored essay."""
    count = int(6000 * scale)
    rows = []
    for workers in (1, 2, 4):
        _enqueue_noops("analytics", count)
        before = _redis_cpu_seconds()
        results = [_finish(process) for process in [_worker("ours-simple", "analytics") for _ in range(workers)]]
        redis_ms = (_redis_cpu_seconds() - before) / count * 1000
        worker_ms = sum(result["cpu_seconds"] for result in results) / count * 1000
        rate = count / max(result["seconds"] for result in results)
        rows.append(Row(f"no-op jobs, {workers} in-process worker{'s' if workers > 1 else ''}, one Valkey", rate,
                        None, "jobs/s", note=f"CPU per job: Valkey {redis_ms:.2f} ms, workers {worker_ms:.2f} ms; "
                                             f"one Valkey core carries about {1000 / redis_ms:,.0f} jobs/s"))
    rows.append(Row("Redis memory per scored essay", _bytes_per_scored_essay(scale) / 1024, None, "KiB",
                    higher_is_better=False, note="submission, result and its indexes, the RQ job and its result"))
    return rows


def _bytes_per_scored_essay(scale: float) -> float:
    from ielts_rq import enqueue, store
    from ielts_rq.scoring.samples import TASK_2_PROMPT

    count = int(1000 * scale)
    _fresh()
    ids = [store.create_submission(f"bench-{n % 100}", "writing_task_2", text, TASK_2_PROMPT)
           for n, text in enumerate(_essays(count))]
    for sid in ids:
        enqueue("score_submission", sid)
    _finish(_worker("ours-simple", "scoring"))
    assert _connection().zcard("ielts:results:by_time") == count
    # Summed key by key: the server's used_memory also moves with what an earlier flush frees lazily.
    return sum(_connection().memory_usage(key, samples=0) or 0 for key in _connection().scan_iter(count=1000)) / count


ROWS = {"enqueue": bulk_enqueue, "overhead": job_overhead, "scoring": scoring, "latency": latency,
        "memory": memory, "analytics": analytics, "commands": commands, "dashboard": dashboard_cost,
        "capacity": capacity}
