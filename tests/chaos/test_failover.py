"""The primary dies: Sentinel promotes the replica and every process carries on without a restart.

A primary, a replica and three sentinels (the embedded ``valkey-server`` in
each role) on loopback; three forking workers and the scheduler reach Redis
only through ``REDIS_URL=redis+sentinel://...``. 500 scoring jobs are enqueued
and replicated (``WAIT``), and the primary is killed with SIGKILL once a third
of them have finished. Replication is asynchronous: what the primary
acknowledged in its last moments and had not yet sent to the replica is lost
with it. Here that can only be a job's last writes (its result, its
finished state); the job then runs again on the new primary. So the count to
watch is jobs lost (must be 0) and jobs run twice (reported; bounded by the
jobs in flight at the kill).

Run alone, with its table: ``make chaos`` (``pytest tests/chaos -s``).
"""

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
import redis
from redis.sentinel import Sentinel

from ielts_rq.queueing import keys
from ielts_rq.queueing.schedule import scheduler_alive

from ..conftest import ROOT, free_port, valkey_server, wait_for

JOBS = 500
WORKERS = 3
SERVICE = "ielts"
DEADLINE = 180  # seconds for the whole run

# Creates the submissions and their scoring jobs through REDIS_URL, as the platform's API would.
SEED = """
import sys
from ielts_rq import store
from ielts_rq.queueing.enqueue import enqueue_many
ids = [store.create_submission(f"ha-{n % 50}", "writing_task_2",
                               f"Essay number {n}. Working from home saves time that people used to spend "
                               "travelling, and many find they can concentrate better in a quiet room.",
                               "Is working from home a good idea?") for n in range(int(sys.argv[1]))]
print(" ".join(enqueue_many("score_submission", [((sid,), {}) for sid in ids])))
"""

# The dashboard's pages, ours and rq-dashboard's, served through the same REDIS_URL.
DASHBOARD = """
import base64
from ielts_rq.ops.dashboard import create_app
client = create_app().test_client()
auth = {"Authorization": "Basic " + base64.b64encode(b"ops:failover-password").decode()}
for path in ("/overview", "/rq/0/data/queues.json"):
    print(path, client.get(path, headers=auth).status_code)
"""


def _until(predicate, timeout: float) -> bool:
    return wait_for(predicate, timeout, ignoring=(redis.RedisError,))


@pytest.fixture
def sentinel_setup(tmp_path):
    """(primary process, its port, sentinels' client, REDIS_URL): a primary, its replica and three sentinels."""
    primary_port, replica_port = free_port(), free_port()
    sentinel_ports = [free_port() for _ in range(3)]
    processes = [valkey_server(tmp_path / "primary", primary_port),
                 valkey_server(tmp_path / "replica", replica_port, f"replicaof 127.0.0.1 {primary_port}\n")]
    watch = (f"sentinel monitor {SERVICE} 127.0.0.1 {primary_port} 2\n"
             f"sentinel down-after-milliseconds {SERVICE} 1000\nsentinel failover-timeout {SERVICE} 10000\n")
    processes += [valkey_server(tmp_path / f"sentinel{n}", port, watch, sentinel=True)
                  for n, port in enumerate(sentinel_ports)]
    sentinels = Sentinel([("127.0.0.1", port) for port in sentinel_ports], socket_timeout=2)
    try:
        # Ready when every sentinel knows the replica (it finds replicas through the primary's INFO).
        assert _until(lambda: all(Sentinel([("127.0.0.1", port)]).discover_slaves(SERVICE)
                                     for port in sentinel_ports), 30), "the sentinels never saw the replica"
        url = "redis+sentinel://" + ",".join(f"127.0.0.1:{port}" for port in sentinel_ports) + f"/{SERVICE}/0"
        yield processes[0], primary_port, sentinels, url
    finally:
        for process in processes:
            process.kill()
            process.wait()


@pytest.mark.timeout(DEADLINE + 120)
def test_the_primary_dies_and_nothing_acknowledged_is_lost(sentinel_setup, tmp_path):
    old_primary, old_port, sentinels, url = sentinel_setup
    env = {**os.environ, "REDIS_URL": url, "RATE_LIMITS": "scoring=1000000"}
    client = sentinels.master_for(SERVICE, socket_timeout=5)
    seeded = subprocess.run([sys.executable, "-c", SEED, str(JOBS)], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    job_ids = seeded.stdout.split()
    # Acknowledged before the window: every enqueue has reached the replica.
    assert client.execute_command("WAIT", 1, 5000) == 1

    logs = [tmp_path / f"worker{n}.log" for n in range(WORKERS)]
    processes = [subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "scheduler", "--interval", "2"], cwd=ROOT,
                                  env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "scheduler.log", "w"))]
    processes += [subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", "scoring"], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=open(log, "w")) for log in logs]
    started = time.monotonic()
    try:
        assert _until(lambda: client.zcard(keys.results_by_time()) >= JOBS // 3, 120)
        done_at_kill = client.zcard(keys.results_by_time())
        killed_at = time.time()
        old_primary.kill()
        assert _until(lambda: sentinels.discover_master(SERVICE)[1] != old_port, 30)
        promoted_in = time.time() - killed_at
        assert _until(lambda: client.zcard(keys.results_by_time()) == JOBS, DEADLINE), \
            f"{client.zcard(keys.results_by_time())} of {JOBS} scored"
        first_after = client.zrangebyscore(keys.results_by_time(), killed_at, "+inf", start=0, num=1,
                                           withscores=True)[0][1]
        settled = _until(lambda: not client.llen("rq:queue:scoring")
                            and not client.zcard("rq:wip:scoring"), 60)
        scheduler_survived = scheduler_alive(client) is not None and processes[0].poll() is None
        pages = subprocess.run([sys.executable, "-c", DASHBOARD], cwd=ROOT, capture_output=True, text=True,
                               env={**env, "DASHBOARD_USERNAME": "ops", "DASHBOARD_PASSWORD": "failover-password"})
        workers_survived = all(process.poll() is None for process in processes[1:])
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)

    statuses = Counter((client.hget(f"rq:job:{job_id}", "status") or b"missing").decode() for job_id in job_ids)
    runs = Counter(match.group(1) for log in logs
                   for match in re.finditer(r"job finished score_submission (\S+)", log.read_text()))
    lost = JOBS - client.zcard(keys.results_by_time())
    twice = sum(count > 1 for count in runs.values())
    print(f"\n\nfailover run: {WORKERS} forking workers and the scheduler through Sentinel, primary SIGKILLed")
    print(f"{'jobs':<34}{JOBS:>8}")
    print(f"{'finished before the kill':<34}{done_at_kill:>8}")
    print(f"{'finished':<34}{statuses['finished']:>8}")
    print(f"{'failed':<34}{statuses['failed']:>8}")
    print(f"{'lost':<34}{lost:>8}")
    print(f"{'run twice':<34}{twice:>8}   (last writes not replicated)")
    print(f"{'replica promoted (s)':<34}{promoted_in:>8.1f}   (kill to new primary named by the sentinels)")
    print(f"{'first job finished after (s)':<34}{first_after - killed_at:>8.1f}   (kill to a result on it)")
    print(f"{'whole run (s)':<34}{time.monotonic() - started:>8.1f}\n")

    assert lost == 0
    assert len(runs) == JOBS, "the workers' logs do not account for every job"
    assert statuses["finished"] == JOBS and statuses["failed"] == 0
    assert settled, "jobs left in the queue or in progress"
    assert workers_survived, "a worker quit during the failover"
    assert scheduler_survived, "the scheduler did not survive the failover"
    assert pages.stdout.split() == ["/overview", "200", "/rq/0/data/queues.json", "200"], pages.stderr[-2000:]
    assert twice <= WORKERS  # at most the jobs in flight at the kill



# A command under way when the primary dies (a worker's blocking dequeue, say): its own retries must find the
# new primary, not knock on the dead one until they run out.
IN_FLIGHT = """
import time
from ielts_rq.queueing.connection import get_connection
connection = get_connection()
connection.set("before", 1)
print("ready", flush=True)
started = time.monotonic()
connection.blpop("never-filled", timeout=2)  # under the connection's 5 s socket timeout
connection.incr("during")
print(f"landed after {time.monotonic() - started:.1f}s", flush=True)
"""


@pytest.mark.timeout(120)
def test_a_command_under_way_when_the_primary_dies_lands_on_the_new_primary(sentinel_setup):
    old_primary, old_port, sentinels, url = sentinel_setup
    process = subprocess.Popen([sys.executable, "-c", IN_FLIGHT], cwd=ROOT, env={**os.environ, "REDIS_URL": url},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
        time.sleep(1)  # the BLPOP is sent and blocks on the primary
        old_primary.kill()
        out, err = process.communicate(timeout=90)
    finally:
        process.kill()
    assert process.returncode == 0 and out.startswith("landed after"), err[-2000:]
    primary = sentinels.master_for(SERVICE, socket_timeout=5)
    assert sentinels.discover_master(SERVICE)[1] != old_port and primary.get("during") == b"1"
