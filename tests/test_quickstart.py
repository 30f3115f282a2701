"""The README's quickstart and its local Procfile command, run exactly as the README prints them, on a
fresh copy of the repository: `make run` in one terminal, the quickstart's lines in a second, then
`honcho start -f Procfile.dev`.

Only what a newcomer's shell would differ in is set: a free port (the README's `make run PORT=...`),
a home folder of the test's own (`IELTS_RQ_HOME=...`), and no variables of the test suite.
"""

import json
import os
import re
import signal
import subprocess

import pytest
import requests

from .conftest import ROOT, wait_for
from .smtp_stub import free_port
from .test_install import PLAIN_ENV, _checkout_copy

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

README = (ROOT / "README.md").read_text()


def _quickstart() -> str:
    """The shell block under the README's "## Quickstart" heading, as printed."""
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)


def _procfile_command() -> str:
    return re.search(r"`(honcho start -f Procfile\.dev)`", README).group(1)


def _answers(url: str) -> bool:
    return wait_for(lambda: requests.get(url, timeout=2).ok, 1, ignoring=(requests.RequestException,))


def _stop(process: subprocess.Popen, signum: int, timeout: float = 60) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass
    process.wait(timeout=timeout)


def test_the_readme_quickstart_and_procfile_dev_run_as_written(tmp_path):
    source = _checkout_copy(tmp_path / "clone")
    home = tmp_path / "home"
    port = free_port()
    env = {**PLAIN_ENV, "IELTS_RQ_HOME": str(home), "PORT": str(port)}
    try:
        # The first terminal: make run (it builds .venv first).
        stack_log = tmp_path / "make-run.log"  # a file, not a pipe: pip's output alone would fill a pipe and block
        stack = subprocess.Popen(["make", "run"], cwd=source, env=env, stdout=stack_log.open("w"),
                                 stderr=subprocess.STDOUT, start_new_session=True)
        try:
            up = wait_for(lambda: requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok
                          or stack.poll() is not None, 1200, ignoring=(requests.RequestException,), step=1)
            assert up and stack.poll() is None, "make run never served the dashboard"

            # The second terminal: the quickstart, line by line as printed; any failing line fails it.
            block = _quickstart()
            done = subprocess.run(["bash", "-e", "-c", block], cwd=source, env=env, capture_output=True,
                                  text=True, timeout=600)
            assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
            assert "Overall band" in done.stdout  # the band, from a worker
            stored = json.loads(done.stdout[done.stdout.index("{\n"):done.stdout.rindex("\n}") + 2])
            assert 1 <= stored["overall_band_score"] <= 9 and stored["task_type"] == "writing_task_2"
            dashboard = re.search(r"open (http://127\.0\.0\.1:)9181(/)", block)
            assert dashboard and _answers(f"{dashboard.group(1)}{port}{dashboard.group(2)}")
        finally:
            _stop(stack, signal.SIGINT)  # Ctrl-C in the first terminal
            assert wait_for(lambda: "ielts-rq stopped" in stack_log.read_text(), 60), stack_log.read_text()[-3000:]
        output = stack_log.read_text()
        assert "Traceback" not in output, output[-3000:]

        # The Procfile's processes, locally: the README's command in the activated .venv.
        web_port = free_port()
        honcho_log = tmp_path / "honcho.log"
        honcho = subprocess.Popen(["bash", "-c", f"source .venv/bin/activate && exec {_procfile_command()}"],
                                  cwd=source, env={**env, "PORT": str(web_port)}, stdout=honcho_log.open("w"),
                                  stderr=subprocess.STDOUT, start_new_session=True)
        ielts_rq = str(source / ".venv" / "bin" / "ielts-rq")
        try:
            assert wait_for(lambda: requests.get(f"http://127.0.0.1:{web_port}/healthz", timeout=2).ok, 90,
                            ignoring=(requests.RequestException,), step=0.5), "web never answered"
            assert wait_for(lambda: _workers(ielts_rq, env, source) == 3, 90)
            checked = subprocess.run([ielts_rq, "enqueue", "health-check", "--wait", "--wait-timeout", "60"],
                                     cwd=source, env=env, capture_output=True, text=True, timeout=90)
            assert '"status": "healthy"' in checked.stdout, checked.stderr
            assert honcho.poll() is None, "honcho stopped by itself"
        finally:
            _stop(honcho, signal.SIGTERM)
        output = honcho_log.read_text()
        assert "Traceback" not in output, output[-3000:]
        for name in ("web", "worker_scoring", "worker_files", "scheduler"):
            assert re.search(rf"{name}\.1 +started \(pid=", output), (name, output[-3000:])
            assert re.search(rf"{name}\.1 +stopped \(rc=(0|-15)\)", output), (name, output[-3000:])
    finally:
        venv_command = source / ".venv" / "bin" / "ielts-rq"
        if venv_command.exists():
            subprocess.run([str(venv_command), "redis", "stop"], cwd=source, env=env, capture_output=True,
                           timeout=60)


def _workers(ielts_rq: str, env: dict, cwd) -> int:
    result = subprocess.run([ielts_rq, "status", "--json"], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=30)
    return len(json.loads(result.stdout)["workers"]) if result.returncode == 0 else -1
