"""CPU time of work run in child processes: what the engine benchmarks (OCR, speech) measure.

CPU is user + system time of the processes waited for, so a figure does not depend on what else
the machine is doing.
"""

from __future__ import annotations

import os
import resource
import statistics


def children_cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # every waited-for descendant, grandchildren too
    return children.ru_utime + children.ru_stime


def median_cpu(run, times: int) -> float:
    """Median CPU of the child processes ``run`` starts and waits for, over ``times`` runs."""
    spent = []
    for _ in range(times):
        before = children_cpu_seconds()
        run()
        spent.append(children_cpu_seconds() - before)
    return statistics.median(spent)


def in_forked_process(run) -> None:
    """Run ``run`` in a child forked from this warm process, as the file worker runs a job in a horse:
    what the horse does again for every job (a check, a load, a copy-on-write page) is counted."""
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            run()
            status = 0
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        raise SystemExit("the measured work failed in its forked process")
