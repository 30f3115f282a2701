"""Where the suite's CPU goes: ``pytest -p tests.cpu_report [-n 4 ...]`` ends with the CPU seconds of each
file's tests, the heaviest first.

A test's CPU is its own process's and that of the children it waited for (CLI commands, workers, their
horses, installs); a server left running for the whole lane (its Valkey) counts for no test. Lanes send
each test's figure to the run with its report, so the summary covers every lane.
"""

from __future__ import annotations

import collections
import os

import pytest

FILES_SHOWN = 30
_by_file: collections.Counter = collections.Counter()
_tests: collections.Counter = collections.Counter()


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    item.cpu_started = _cpu()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    yield
    item.user_properties.append(("cpu_seconds", _cpu() - getattr(item, "cpu_started", _cpu())))


def pytest_runtest_logreport(report):
    if report.when == "teardown":
        seconds = dict(report.user_properties).get("cpu_seconds")
        if seconds is not None:
            path = report.nodeid.split("::")[0]
            _by_file[path] += seconds
            _tests[path] += 1


def pytest_terminal_summary(terminalreporter):
    if not _by_file:
        return
    write = terminalreporter.write_line
    terminalreporter.section("CPU seconds by file (the test process and the children it waited for)")
    write(f"{sum(_by_file.values()):8.0f}  {sum(_tests.values()):5d} tests  in all")
    for path, seconds in _by_file.most_common(FILES_SHOWN):
        write(f"{seconds:8.1f}  {_tests[path]:5d} tests  {path}")
