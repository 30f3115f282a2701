"""``python -m bench --only startup``: how long ``ielts-rq`` takes to start, against plain ``rq``.

Two pairs, timed in one run on one machine, each command a fresh process as a shell starts it:

- ``ielts-rq --help`` against ``rq --help``;
- ``ielts-rq status`` against ``rq info``, both on the same embedded Valkey server.

The two sides alternate, round after round, so a machine busy for a moment slows both alike; the figure
is the median of the rounds. The target: ``ielts-rq`` within 1.3 times ``rq``. Run on its own
(``python bench/cli_startup.py --runs 15``) it starts a server in a temporary home and prints the ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 1.3  # ielts-rq's start-up, at most this many times plain rq's
RUNS = 11


def _script(name: str, module: str) -> list[str]:
    """The console script installed beside this Python, as a user runs it; else its module."""
    script = Path(sys.executable).parent / name
    return [str(script)] if script.exists() else [sys.executable, "-m", module]


def _env(bytecode: str) -> dict:
    """This checkout's code, whatever the console script's own install points at. Both sides compile their
    modules once, into the folder ``bytecode``, and load them compiled after that, as an installed package
    does: PYTHONDONTWRITEBYTECODE would have one side compile every module at every start."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "PYTHONPYCACHEPREFIX": bytecode}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _seconds(command: list[str], env: dict) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one run of ``command``: the CPU time barely moves with
    the machine's load, so it backs the wall-clock figure on a shared machine."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return wall, usage.ru_utime + usage.ru_stime


def pairs(redis_url: str) -> dict[str, tuple[list[str], list[str]]]:
    """What is timed: each measure's ielts-rq command and plain rq's."""
    ours, plain = _script("ielts-rq", "ielts_rq.cli"), _script("rq", "rq.cli")
    return {"--help": (ours + ["--help"], plain + ["--help"]),
            "status": (ours + ["status"], plain + ["info", "--url", redis_url])}


def measure(redis_url: str, runs: int = RUNS) -> dict[str, dict[str, float]]:
    """Median wall-clock and CPU seconds of each side of each pair, over ``runs`` alternating rounds, and
    their ratios (ours / plain)."""
    env = _env(tempfile.mkdtemp(prefix="irq-startup-pyc-", dir="/tmp"))
    figures = {}
    for what, (ours, plain) in pairs(redis_url).items():
        _seconds(ours, env), _seconds(plain, env)  # a first run of each compiles and fills the file cache
        times = {"ours": [], "plain": []}
        for _ in range(runs):
            times["ours"].append(_seconds(ours, env))
            times["plain"].append(_seconds(plain, env))
        median = {side: [statistics.median(run[i] for run in times[side]) for i in (0, 1)] for side in times}
        figures[what] = {"ours": median["ours"][0], "plain": median["plain"][0],
                         "ratio": median["ours"][0] / median["plain"][0],
                         "ours_cpu": median["ours"][1], "plain_cpu": median["plain"][1],
                         "cpu_ratio": median["ours"][1] / median["plain"][1]}
    return figures


def rows(scale: float):
    """The benchmark table's rows (bench/rows.py), on the run's own server."""
    from bench.rows import Row
    from ielts_rq.queueing.connection import redis_url

    figures = measure(redis_url(), runs=max(5, round(RUNS * scale)) if scale < 1 else RUNS)
    names = {"--help": ("ielts-rq --help", "rq --help"), "status": ("ielts-rq status", "rq info")}
    return [Row(f"start-up: {names[what][0]} (plain: {names[what][1]})", f["ours"], f["plain"], "s",
                higher_is_better=False,
                note=f"ours / plain = {f['ratio']:.2f}x (target at most {LIMIT}x); CPU {f['cpu_ratio']:.2f}x")
            for what, f in figures.items()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"rounds per measure (default {RUNS})")
    options = parser.parse_args(argv)
    home = tempfile.mkdtemp(prefix="irq-startup-", dir="/tmp")
    os.environ["IELTS_RQ_HOME"] = home  # a server of its own, for both sides
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    from ielts_rq.queueing import embedded

    url = embedded.ensure_running(Path(home))
    try:
        figures = measure(url, options.runs)
    finally:
        embedded.stop(Path(home))
    for what, f in figures.items():
        verdict = "ok" if f["ratio"] <= LIMIT else f"over the {LIMIT}x target"
        print(f"{what:8} ielts-rq {f['ours']:.3f} s  rq {f['plain']:.3f} s  ratio {f['ratio']:.2f}x  {verdict}"
              f"   (CPU: {f['ours_cpu']:.3f} s against {f['plain_cpu']:.3f} s, {f['cpu_ratio']:.2f}x)")
    return 0 if all(f["ratio"] <= LIMIT for f in figures.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
