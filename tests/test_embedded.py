"""The embedded Valkey server: started on first use, shared, persistent."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from ielts_rq.queueing import embedded

from .conftest import ROOT


def _cli_in(home: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "IELTS_RQ_HOME": str(home)}
    return subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _run_in(home: Path, *args: str) -> subprocess.CompletedProcess:
    process = _cli_in(home, *args)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _servers_for(home: Path) -> list[int]:
    """PIDs of valkey-server processes whose config lives in this home."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if "valkey-server" in cmdline and str(home) in cmdline:
                pids.append(int(proc.name))
    return pids


def test_processes_started_together_share_one_server():
    home = Path(tempfile.mkdtemp(prefix="irq-e-", dir="/tmp"))
    try:
        starters = [_cli_in(home, "redis", "url") for _ in range(4)]
        urls = {process.communicate(timeout=60)[0].strip() for process in starters}
        assert all(process.returncode == 0 for process in starters)
        assert urls == {f"unix://{home}/valkey/valkey.sock"}
        assert len(_servers_for(home)) == 1
    finally:
        embedded.stop(home)


@pytest.mark.slow
def test_a_queued_job_survives_a_server_restart():
    home = Path(tempfile.mkdtemp(prefix="irq-e-", dir="/tmp"))
    try:
        job_id = _run_in(home, "enqueue", "health-check").stdout.strip()
        assert _run_in(home, "redis", "stop").returncode == 0
        assert not embedded.is_running(embedded.paths_for(home))
        assert _run_in(home, "redis", "start").returncode == 0
        shown = _run_in(home, "job", "show", job_id, "--json")
        assert shown.returncode == 0, shown.stderr
        assert '"status": "queued"' in shown.stdout
    finally:
        embedded.stop(home)


def test_status_reports_a_stopped_server_with_status_1():
    home = Path(tempfile.mkdtemp(prefix="irq-e-", dir="/tmp"))
    result = _run_in(home, "redis", "status")
    assert result.returncode == 1
    assert "running    False" in result.stdout


def test_too_long_a_home_is_a_configuration_error():
    home = Path("/tmp") / ("x" * 120)
    result = _run_in(home, "redis", "url")
    assert result.returncode == 2
    assert "IELTS_RQ_HOME" in result.stderr and "too long" in result.stderr
