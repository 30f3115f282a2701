"""Where an in-process worker's time goes on no-op jobs: ``python -m bench.profile_worker [JOBS]``.

Prints pyinstrument's profile of ielts-rq's in-process worker running JOBS
no-op jobs (default 3,000) on a private embedded Valkey, then the same jobs'
throughput for ielts-rq and for plain RQ's SimpleWorker without the profiler.
"""

import logging
import os
import sys
import tempfile
import time


def main(jobs: int = 3000) -> None:
    os.environ["IELTS_RQ_HOME"] = tempfile.mkdtemp(prefix="irq-prof-", dir="/tmp")
    os.environ.pop("REDIS_URL", None)
    os.environ["EXTRA_JOB_MODULES"] = "bench.jobs"  # workers run only registered jobs
    from pyinstrument import Profiler
    from rq import Queue, SimpleWorker
    from rq.serializers import JSONSerializer

    from ielts_rq.logs import setup_logging
    from ielts_rq.queueing import embedded
    from ielts_rq.queueing.connection import get_connection
    from ielts_rq.queueing.queues import get_queue
    from ielts_rq.queueing.worker import InProcessWorker
    from ielts_rq.settings import get_settings

    embedded.ensure_running(get_settings().home)
    setup_logging("INFO")
    logging.getLogger().handlers[0].stream = open(os.devnull, "w")  # logged, as in production, but not shown
    connection = get_connection()

    def load(name: str) -> None:
        connection.flushdb()
        queue = Queue(name, connection=connection, serializer=JSONSerializer)
        with connection.pipeline() as pipe:
            queue.enqueue_many([queue.prepare_data("bench.jobs.noop", timeout=60, result_ttl=3600)
                                for _ in range(jobs)], pipeline=pipe)
            pipe.execute()

    def run(worker) -> float:
        started = time.perf_counter()
        worker.work(burst=True, with_scheduler=False, logging_level="WARNING")
        rate = jobs / (time.perf_counter() - started)
        failed = sum(queue.failed_job_registry.count for queue in worker.queues)
        assert not failed, f"{failed} benchmark jobs failed: the figure would be wrong"
        return rate

    try:
        load("analytics")
        profiler = Profiler(interval=0.0005)
        with profiler:
            run(InProcessWorker([get_queue("analytics", connection)], connection=connection))
        print(profiler.output_text(color=False, unicode=True))
        load("analytics")
        ours = run(InProcessWorker([get_queue("analytics", connection)], connection=connection))
        load("plain")
        plain = run(SimpleWorker([Queue("plain", connection=connection, serializer=JSONSerializer)],
                                 connection=connection, serializer=JSONSerializer))
        print(f"without the profiler: ielts-rq {ours:.0f} jobs/s, plain RQ {plain:.0f} jobs/s ({ours / plain:.0%})")
    finally:
        embedded.stop(get_settings().home)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
