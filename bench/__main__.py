"""``python -m bench`` (or ``make bench``): this system against plain RQ, in one run, on one server.

Every row measures both sides on the same embedded Valkey server, one after
the other, and prints both and the ratio. ``--quick`` runs smaller sizes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes, for a quick look")
    parser.add_argument("--only", choices=["enqueue", "overhead", "scoring", "latency", "memory", "analytics",
                                           "commands", "dashboard", "capacity", "shape", "startup"],
                        action="append",
                        help="run only these rows")
    options = parser.parse_args(argv)
    # A private server for the run: set before anything reads the settings.
    os.environ["IELTS_RQ_HOME"] = tempfile.mkdtemp(prefix="irq-bench-", dir="/tmp")
    os.environ.pop("REDIS_URL", None)
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

    from bench import cli_startup, rows, worker_shape
    from ielts_rq.queueing import embedded
    from ielts_rq.settings import get_settings

    embedded.ensure_running(get_settings().home)
    scale = 0.1 if options.quick else 1.0
    # "shape": `ielts-rq up` as `make run` starts it, on a server and home of its own (bench/worker_shape.py).
    # "startup": `ielts-rq --help` and `status` against `rq --help` and `rq info` (bench/cli_startup.py).
    measures = {**rows.ROWS, "shape": worker_shape.rows, "startup": cli_startup.rows}
    chosen = options.only or list(measures)
    table = []
    try:
        for name in chosen:
            started = time.monotonic()
            print(f"running {name}...", file=sys.stderr, flush=True)
            table += measures[name](scale)
            print(f"  {name} took {time.monotonic() - started:.0f}s", file=sys.stderr, flush=True)
    finally:
        embedded.stop(get_settings().home)
    rows.print_table(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
