"""Nothing lost: 1,000 scoring jobs on 3 real workers, 20 random SIGKILLs and a Redis restart.

Run for each worker shape: forking workers on the scoring queue alone (RQ moves
the job atomically) and on two queues (where RQ itself would pop and keep no
copy), in-process workers on two queues (no horse: the worker itself dies
with the job, which its heartbeat thread brings back), and forking workers on
two queues with Redis full (over its maxmemory) for a few seconds instead of
restarted: every write refused while jobs run, heartbeats beat and workers die.

Run alone, with the summary table: ``make chaos`` (``pytest tests/chaos -s``).
"""

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ielts_rq import store
from ielts_rq.queueing import embedded
from ielts_rq.queueing.enqueue import enqueue_many
from ielts_rq.queueing.queues import JsonJob, get_queue
from ielts_rq.queueing.schedule import scheduler_alive
from ielts_rq.store import counters

from ..conftest import HOME, ROOT, refused_writes, wait_for

JOBS = 1000
MEANT_TO_FAIL = 10  # ids of submissions that do not exist
WORKERS = 3
KILLS = 20
LOGS = HOME / "chaos-workers.log"  # the workers' own account, for when an assertion fails
# The run is stuck when nothing moves for this long: no job finishes, leaves its queue or its retry wait. Longer
# than the second retry interval (60 s) and a restart on a busy machine; a fixed deadline for the whole run turned
# red on a machine busy with other lanes while every job was still on its way.
STALL = 150


# worker queues, worker mode, and the fault at the middle kill: a restart of Redis, or Redis full for a while
SHAPES = {"one queue": (("scoring",), "fork", "restart"), "two queues": (("scoring", "email"), "fork", "restart"),
          "simple mode": (("scoring", "email"), "simple", "restart"),
          "recycled in-process pool": (("health", "scoring", "email"), "simple pool", "restart"),
          "full Redis": (("scoring", "email"), "fork", "full")}
FULL_REFUSALS = 20  # how many writes Redis refuses (over its maxmemory) in the "full Redis" shape, before it has room


# The worker command's options for each mode; "simple pool": the shape `up` runs the short jobs on, in-process
# workers under a supervisor that replaces each after a few jobs (its workers are killed as its "horses").
MODE_ARGS = {"fork": ("--mode", "fork"), "simple": ("--mode", "simple"),
             "simple pool": ("--mode", "simple", "--processes", "2", "--max-jobs", "40")}


def _start_worker(queues, mode):
    # Its own session, so a SIGKILL of its group cannot reach the test; its horses are killed by pid.
    return subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", *queues, *MODE_ARGS[mode]], cwd=ROOT,
                            # The server's URL, as a deployment names it: a worker starting while the fault
                            # thread stops the server waits for it rather than starting the embedded one again.
                            env={**os.environ, "RATE_LIMITS": "scoring=1000000",
                                 "REDIS_URL": embedded.paths_for(HOME).url},
                            start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=open(LOGS, "a"))


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _kill_quietly(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _running_jobs(connection, pid: int) -> list[str]:
    """The jobs the worker with this pid is running, if any (or the workers of the pool it supervises)."""
    from rq.serializers import JSONSerializer
    from rq.worker import Worker

    pids = {pid, *_children(pid)}
    return [job_id for worker in Worker.all(connection=connection, serializer=JSONSerializer)
            if worker.pid in pids and (job_id := worker.get_current_job_id())]


def _busy_worker(connection, workers, rng) -> int:
    """A worker that is running a job, when one is (a job takes milliseconds: aim at it), or any worker."""
    indexes = list(range(len(workers)))
    rng.shuffle(indexes)
    return next((i for i in indexes if _running_jobs(connection, workers[i].pid)), indexes[0])


def _chaos(connection, workers, queues, mode, fault, log, stop):
    """Kill a random worker with its horse, or just a horse, every few hundred ms; restart Redis once
    (or fill it up for a few seconds). A worker that exits on its own is restarted, as a platform would,
    and logged as a crash."""
    rng = random.Random(20261129)
    kills = 0
    restarted = False
    while kills < KILLS and not stop.is_set():
        time.sleep(rng.uniform(0.2, 0.8))
        _restart_crashed(workers, queues, mode, log)
        index = _busy_worker(connection, workers, rng)
        worker = workers[index]
        horses = _children(worker.pid)
        running = _running_jobs(connection, worker.pid)
        try:
            if horses and rng.random() < 0.5:
                os.kill(rng.choice(horses), signal.SIGKILL)
                log.append(("horse", time.monotonic(), running))
            else:
                os.killpg(worker.pid, signal.SIGKILL)
                for horse in horses:  # RQ starts each horse in a session of its own
                    _kill_quietly(horse)
                worker.wait()
                workers[index] = _start_worker(queues, mode)  # the dyno manager or pool starts a replacement
                log.append(("worker", time.monotonic(), running))
        except ProcessLookupError:
            continue  # the horse had just finished its job: pick again
        kills += 1
        if kills == KILLS // 2 and not restarted:
            if fault == "restart":
                waits = _waits_for_redis()
                # A clean restart: the append-only file keeps every queued job. Its flush on a machine busy with
                # other lanes has taken over the 10 s an operator's stop waits: the fault is the restart, not that.
                embedded.stop(HOME, timeout=120)
                wait_for(lambda: _waits_for_redis() > waits, 30)  # down until a worker meets the outage
                embedded.ensure_running(HOME)
            else:
                refused = refused_writes(connection)
                connection.config_set("maxmemory", "1")  # full: every write that could grow memory is refused
                wait_for(lambda: refused_writes(connection) >= refused + FULL_REFUSALS, 30)
                connection.config_set("maxmemory", "0")
            log.append(("redis", time.monotonic(), []))
            restarted = True
    while not stop.is_set() and any(w.poll() is not None for w in workers):
        _restart_crashed(workers, queues, mode, log)


def _waits_for_redis() -> int:
    """How many times the workers have said they wait for Redis (once per outage each)."""
    return LOGS.read_text(errors="replace").count("waiting for Redis") if LOGS.exists() else 0


def _restart_crashed(workers, queues, mode, log) -> None:
    for index, worker in enumerate(workers):
        if worker.poll() is not None:
            workers[index] = _start_worker(queues, mode)
            log.append(("crash", time.monotonic(), []))


@pytest.mark.timeout(1200)
@pytest.mark.parametrize("shape", SHAPES)
def test_nothing_is_lost_under_kills_and_a_restart(redis_conn, shape):
    queues, mode, fault = SHAPES[shape]
    ids = [store.create_submission(f"chaos-{n % 50}", "writing_task_2",
                                   f"Essay number {n}. Working from home saves time that people used to spend "
                                   f"travelling, and many find they can concentrate better in a quiet room.",
                                   "Is working from home a good idea?") for n in range(JOBS)]
    job_ids = enqueue_many("score_submission", [((sid,), {}) for sid in ids])
    doomed = enqueue_many("score_submission", [((f"sub_missing_{n}",), {}) for n in range(MEANT_TO_FAIL)])
    scheduler = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "scheduler", "--interval", "2"], cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    workers = [_start_worker(queues, mode) for _ in range(WORKERS)]
    log, stop = [], threading.Event()
    chaos = threading.Thread(target=_chaos, args=(redis_conn, workers, queues, mode, fault, log, stop), daemon=True)
    started = time.monotonic()
    chaos.start()
    try:
        seen, moved = None, time.monotonic()
        while time.monotonic() - moved < STALL:
            done = redis_conn.zcard("ielts:results:by_time")
            scoring = get_queue("scoring")
            where = (done, scoring.count, scoring.started_job_registry.count, scoring.scheduled_job_registry.count,
                     scoring.failed_job_registry.count)
            if where != seen:
                seen, moved = where, time.monotonic()
            if done == JOBS and where[4] == MEANT_TO_FAIL and not any(where[1:4]) and not chaos.is_alive():
                break
            time.sleep(1)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        chaos.join(timeout=30)
        scheduler_survived = scheduler.poll() is None and scheduler_alive(redis_conn) is not None
        for process in [*workers, scheduler]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)

    jobs = JsonJob.fetch_many(job_ids + doomed, connection=redis_conn)
    statuses = [job.get_status() if job else "missing" for job in jobs]
    finished = statuses.count("finished")
    failed_ids = set(get_queue("scoring").failed_job_registry.get_job_ids())
    results = [store.get_result(sid) for sid in ids]
    lost = sum(result is None for result in results)
    # Each stored result counts once in the day's counter: a submission scored twice would count twice.
    counted = sum(day["counters"].get("scored:writing_task_2", 0)
                  for day in counters.daily_counters(redis_conn, *_days_of_run()).values())
    duplicated = int(counted) - (JOBS - lost)
    recovery = _recovery_seconds(redis_conn, log)
    print(f"\n\nreliability run: {'forking' if mode == 'fork' else 'in-process'} workers on {' and '.join(queues)}")
    print(f"{'jobs':<28}{JOBS + MEANT_TO_FAIL:>8}   ({MEANT_TO_FAIL} meant to fail)")
    kills = sum(kind in ("worker", "horse") for kind, *_ in log)
    crashes = sum(kind == "crash" for kind, *_ in log)
    print(f"{'kills (worker+horse / horse)':<28}{kills:>8}   "
          f"({sum(k == 'worker' for k, *_ in log)} / {sum(k == 'horse' for k, *_ in log)})")
    print(f"{'redis ' + ('restarts' if fault == 'restart' else f'full for {FULL_REFUSALS} writes'):<28}"
          f"{sum(k == 'redis' for k, *_ in log):>8}")
    print(f"{'workers that crashed':<28}{crashes:>8}   (restarted, as a platform would)")
    print(f"{'finished':<28}{finished:>8}")
    print(f"{'failed':<28}{len(failed_ids):>8}")
    print(f"{'lost':<28}{lost:>8}")
    print(f"{'duplicated effects':<28}{duplicated:>8}")
    print(f"{'left started':<28}{statuses.count('started'):>8}")
    print(f"{'recovery, hit once (s)':<28}{recovery[0]:>8.1f}   (kill to finished, longest)")
    print(f"{'recovery, hit again (s)':<28}{recovery[1]:>8.1f}   (retry intervals grow: 10 s, 60 s, 300 s)")
    print(f"{'whole run (s)':<28}{elapsed:>8.1f}\n")
    for job_id, result in zip(job_ids, results):
        if result is None:
            print(_whereabouts(redis_conn, job_id, log, offset=time.time() - time.monotonic()))

    assert kills == KILLS
    assert crashes == 0, "a worker died of the fault itself:\n" + "\n".join(
        line for line in LOGS.read_text(errors="replace").splitlines()[-4000:]
        if "Error" in line or "quitting" in line or "Traceback" in line)[-3000:]
    assert lost == 0
    assert duplicated == 0
    assert failed_ids == set(doomed)
    assert finished == JOBS
    assert statuses.count("started") == 0
    assert all(len(result["criteria_scores"]) == 4 for result in results)
    assert scheduler_survived, "the scheduler did not survive the Redis restart"


def _whereabouts(connection, job_id, log, offset) -> str:
    """Where an unfinished job is and what happened to it: the first thing to read when the run fails."""
    scoring = get_queue("scoring")
    places = {"queued": job_id in scoring.get_job_ids(), "started": job_id in scoring.started_job_registry,
              "scheduled": job_id in scoring.scheduled_job_registry, "failed": job_id in scoring.failed_job_registry}
    job = JsonJob.fetch_many([job_id], connection=connection)[0]
    kills = [f"{kind} at {time.strftime('%H:%M:%S', time.gmtime(moment + offset))}"
             for kind, moment, running in log if job_id in running]
    state = "missing" if job is None else (f"status {job.get_status()}, retries left {job.retries_left}, "
                                           f"enqueued {job.enqueued_at}, started {job.started_at}, "
                                           f"ended {job.ended_at}, exc {(job.exc_info or '').strip()[-200:]!r}")
    said = [line for line in LOGS.read_text(errors="replace").splitlines() if job_id in line] if LOGS.exists() else []
    return (f"unfinished {job_id}: in {[name for name, inside in places.items() if inside] or 'nothing'}; "
            f"{state}; killed while running: {kills or 'never'}\n  " + "\n  ".join(said[-10:]))


def _days_of_run():
    from datetime import datetime, timedelta, timezone

    today = datetime.now(timezone.utc).date()
    return today - timedelta(days=1), today


def _recovery_seconds(connection, log) -> tuple[float, float]:
    """From the last kill a running job suffered to its finish: the longest, for jobs hit once and more."""
    from collections import defaultdict
    from datetime import timezone

    offset = time.time() - time.monotonic()
    kills = defaultdict(list)
    for kind, moment, running in log:
        if kind != "redis":
            for job_id in running:
                kills[job_id].append(moment + offset)
    longest = {True: 0.0, False: 0.0}
    for job in JsonJob.fetch_many(list(kills), connection=connection):
        if job is not None and job.ended_at:
            ended = job.ended_at.replace(tzinfo=timezone.utc).timestamp()
            once = len(kills[job.id]) == 1
            longest[once] = max(longest[once], ended - kills[job.id][0])
    return longest[True], longest[False]
