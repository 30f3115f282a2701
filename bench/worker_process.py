"""One benchmark worker process: ``python -m bench.worker_process KIND QUEUE [--burst] [--rss-after N]``.

KIND is ours-fork, ours-simple, plain-fork or plain-simple. With --burst it
prints the seconds spent working (interpreter start excluded).
"""

import argparse
import json
import resource
import time
from pathlib import Path


def rss_mib(pid="self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind")
    parser.add_argument("queues", nargs="+")
    parser.add_argument("--burst", action="store_true")
    parser.add_argument("--warm-jobs", type=int, default=0, help="run this many jobs before measuring RSS")
    options = parser.parse_args()
    from rq import SimpleWorker, Worker
    from rq.serializers import JSONSerializer

    from ielts_rq.logs import setup_logging
    from ielts_rq.queueing.connection import get_connection
    from ielts_rq.queueing.queues import get_queue
    from ielts_rq.queueing.worker import WORKER_CLASSES, prepare

    setup_logging("INFO")
    connection = get_connection()
    if options.kind.startswith("ours"):
        prepare(connection, options.queues)
        queues = [get_queue(name, connection) for name in options.queues]
        worker = WORKER_CLASSES[options.kind.split("-")[1]](queues, connection=connection)
    else:
        from rq import Queue

        plain = [Queue(name, connection=connection, serializer=JSONSerializer) for name in options.queues]
        worker = {"plain-fork": Worker, "plain-simple": SimpleWorker}[options.kind](
            plain, connection=connection, serializer=JSONSerializer)
    result = {}
    if options.warm_jobs:
        worker.work(burst=True, max_jobs=options.warm_jobs, with_scheduler=False, logging_level="WARNING")
        result["rss_warm_mib"] = rss_mib()
    started = time.perf_counter()
    worker.work(burst=options.burst, with_scheduler=False, logging_level="WARNING")
    # CPU of this process and of the horses it forked and reaped: what the worker side costs.
    cpu = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    result.update(seconds=time.perf_counter() - started, rss_mib=rss_mib(),
                  cpu_seconds=sum(usage.ru_utime + usage.ru_stime for usage in cpu),
                  failed=sum(queue.failed_job_registry.count for queue in worker.queues))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
