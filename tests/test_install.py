"""Installed the ways Python teams install: a wheel alone in a fresh venv, and requirements.txt alone
(what Heroku's buildpack runs) with every Procfile line started under honcho.

Each test builds a real virtualenv with pip (from pip's cache when warm) and runs the installed
``ielts-rq`` from outside the checkout, so nothing is imported from the source tree.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import requests

from .conftest import ROOT, venv_command, wait_for
from .smtp_stub import free_port

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _fresh_venv(where: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    return where / "bin"


# The test suite's own variables: PYTHONPATH would even let pip see the checkout as installed.
SUITE_VARIABLES = ("PYTHONPATH", "EXTRA_JOB_MODULES", "VIRTUAL_ENV", "REDIS_URL", "IELTS_RQ_HOME")
PLAIN_ENV = {key: value for key, value in os.environ.items() if key not in SUITE_VARIABLES}


def _clean_env(bin_dir: Path, home: Path, **extra) -> dict:
    """The environment of a user's shell: the new venv first on PATH, no test-suite variables."""
    return {**PLAIN_ENV, "PATH": f"{bin_dir}{os.pathsep}{PLAIN_ENV['PATH']}", "IELTS_RQ_HOME": str(home), **extra}


def _run(args, env, cwd, timeout=120, check=True):
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-2000:])
    return result


def _checkout_copy(target: Path) -> Path:
    """The files git tracks, as a platform receives them (no venv, no build leftovers)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination)
    return target


def test_the_wheel_alone_gives_a_working_command(tmp_path):
    source = _checkout_copy(tmp_path / "source")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), str(source)],
         env=PLAIN_ENV, cwd=tmp_path, timeout=300)
    wheel = next((tmp_path / "dist").glob("ielts_rq-*.whl"))
    # The email templates live at the top of the repository and ship inside the package.
    templates = {f"ielts_rq/templates/emails/{path.relative_to(source / 'templates' / 'emails')}"
                 for path in (source / "templates" / "emails").rglob("*") if path.is_file()}
    assert len(templates) >= 18 and templates <= set(zipfile.ZipFile(wheel).namelist())
    bin_dir = _fresh_venv(tmp_path / "venv")
    _run([str(bin_dir / "pip"), "install", "-q", f"{wheel}[engines]"], env=PLAIN_ENV, cwd=tmp_path, timeout=600)
    print(f"\nthe wheel with its engines: {_site_packages_mb(tmp_path / 'venv')} MB installed")
    env = _clean_env(bin_dir, tmp_path / "home")
    elsewhere = tmp_path  # not the checkout: the installed package must stand alone
    try:
        assert "version 0.1.0" in _run(["ielts-rq", "--version"], env, elsewhere).stdout
        assert "enqueue" in _run(["ielts-rq", "--help"], env, elsewhere).stdout
        health = _run(["ielts-rq", "enqueue", "health-check"], env, elsewhere).stdout.strip()
        _run(["ielts-rq", "enqueue", "welcome-email", "--email", "ann@example.com", "--name", "Ann"], env, elsewhere)
        _run(["ielts-rq", "worker", "health", "email", "--burst"], env, elsewhere)
        shown = json.loads(_run(["ielts-rq", "job", "show", health, "--json"], env, elsewhere).stdout)
        assert shown["status"] == "finished"
        outbox = list((tmp_path / "home" / "outbox").glob("*.eml"))  # the email templates ship in the wheel
        assert len(outbox) == 1 and "Ann" in outbox[0].read_text()
        preview = _run(["ielts-rq", "email", "preview", "scoring_complete", "--text"], env, elsewhere).stdout
        assert "band" in preview.lower()
        essay = tmp_path / "essay.txt"
        essay.write_text("Some people believe that children should learn a foreign language at primary school. "
                         "In my opinion, the advantages of this outweigh the disadvantages. " * 6)
        scored = json.loads(_run(["ielts-rq", "score", str(essay), "--task", "writing_task_2", "--json"],
                                 env, elsewhere).stdout)  # the scorer's data files ship too
        assert 1 <= scored["overall_band_score"] <= 9
        # S3 is the one optional part: asking for it without the extra names the extra.
        refused = _run(["ielts-rq", "status"], {**env, "S3_BUCKET_NAME": "uploads"}, elsewhere, check=False)
        assert refused.returncode == 2 and "pip install 'ielts-rq[s3]'" in refused.stderr
    finally:
        _run(["ielts-rq", "redis", "stop"], env, elsewhere, check=False)


def _site_packages_mb(venv: Path) -> int:
    """What an install put in the venv's site-packages (pip itself included, about 10 MB)."""
    [site] = venv.glob("lib/python*/site-packages")
    return round(sum(f.stat().st_size for f in site.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20)


ENGINE_MODULES = ("numpy", "matplotlib", "lemminflect", "marisa_trie", "wordfreq", "PIL", "pytesseract", "pypdfium2",
                  "av", "pocketsphinx")


def test_the_core_install_runs_queues_cli_emails_and_dashboard_without_the_engines(tmp_path):
    source = _checkout_copy(tmp_path / "source")
    bin_dir = _fresh_venv(tmp_path / "venv")
    _run([str(bin_dir / "pip"), "install", "-q", str(source)], env=PLAIN_ENV, cwd=tmp_path, timeout=600)
    size = _site_packages_mb(tmp_path / "venv")
    print(f"\nthe core install: {size} MB installed")
    found = _run([str(bin_dir / "python"), "-c", "import importlib.util as u, sys; "
                  f"print([m for m in {ENGINE_MODULES!r} if u.find_spec(m)])"], PLAIN_ENV, tmp_path).stdout
    assert found.strip() == "[]", found
    assert size < 150, size  # the full install is over 400 MB
    port = free_port()
    env = _clean_env(bin_dir, tmp_path / "home")
    elsewhere = tmp_path
    try:
        assert "enqueue" in _run(["ielts-rq", "--help"], env, elsewhere).stdout
        _run(["ielts-rq", "enqueue", "welcome-email", "--email", "ann@example.com", "--name", "Ann"], env, elsewhere)
        essay = tmp_path / "essay.txt"
        essay.write_text((source / "examples" / "essay.txt").read_text())
        submission = _run(["ielts-rq", "submit", str(essay), "--task", "writing_task_2"], env, elsewhere).stdout.strip()
        scoring = _run(["ielts-rq", "enqueue", "score", submission], env, elsewhere).stdout.strip()
        _run(["ielts-rq", "worker", "health", "scoring", "email", "--burst"], env, elsewhere)  # it keeps running
        assert len(list((tmp_path / "home" / "outbox").glob("*.eml"))) == 1
        failed = json.loads(_run(["ielts-rq", "job", "show", scoring, "--json"], env, elsewhere).stdout)
        assert failed["status"] == "failed" and "pip install 'ielts-rq[engines]'" in json.dumps(failed)
        here = _run(["ielts-rq", "score", str(essay), "--task", "writing_task_2"], env, elsewhere, check=False)
        assert here.returncode == 2 and "pip install 'ielts-rq[engines]'" in here.stderr, here.stderr
        dashboard = subprocess.Popen(["ielts-rq", "dashboard", "--port", str(port)], env=env, cwd=elsewhere,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            assert _eventually(lambda: requests.get(f"http://127.0.0.1:{port}/", timeout=2).ok, 60)
        finally:
            dashboard.terminate()
            dashboard.communicate(timeout=30)
    finally:
        _run(["ielts-rq", "redis", "stop"], env, elsewhere, check=False)


def _procfile(source: Path) -> dict[str, str]:
    lines = (source / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_requirements_txt_alone_runs_every_procfile_line(tmp_path):
    source = _checkout_copy(tmp_path / "app")
    bin_dir = _fresh_venv(tmp_path / "venv")
    _run([str(bin_dir / "pip"), "install", "-q", "-r", "requirements.txt"], env=PLAIN_ENV, cwd=source,
         timeout=600)
    port = free_port()
    env = _clean_env(bin_dir, tmp_path / "home", PORT=str(port), DASHBOARD_USERNAME="ops",
                     DASHBOARD_PASSWORD="release-check-pw")
    processes = _procfile(source)
    try:
        release = _run(["bash", "-c", processes.pop("release")], env, source)
        assert "added or updated" in release.stdout  # the check passed, then the cron table was synced
        honcho = subprocess.Popen([venv_command("honcho"), "start", *processes], cwd=source, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            assert _eventually(lambda: requests.get(f"{base}/healthz", timeout=1).ok, 60), "web never answered"
            # Three workers (the short jobs' dyno runs two in-process workers, the files' one) and the scheduler.
            assert _eventually(lambda: _workers(env, source) == 3, 90)
            assert _eventually(lambda: json.loads(_run(["ielts-rq", "status", "--json"], env, source).stdout)
                               ["schedulers"]["rq_scheduler"], 30), "the scheduler never reported alive"
            done = _run(["ielts-rq", "enqueue", "health-check", "--wait", "--wait-timeout", "60"], env, source)
            assert '"status": "healthy"' in done.stdout
        finally:
            os.killpg(honcho.pid, signal.SIGTERM)
            output, _ = honcho.communicate(timeout=40)
        assert "Traceback" not in output, output[-3000:]
        for name in processes:  # each process ran, and stopped when told to
            assert re.search(rf"{name}\.1 +started \(pid=", output), (name, output[-3000:])
            assert re.search(rf"{name}\.1 +stopped \(rc=(0|-15)\)", output), (name, output[-3000:])
    finally:
        _run(["ielts-rq", "redis", "stop"], env, source, check=False)


def _workers(env, cwd) -> int:
    result = _run(["ielts-rq", "status", "--json"], env, cwd, check=False)
    return len(json.loads(result.stdout)["workers"]) if result.returncode == 0 else -1


def _eventually(predicate, timeout: float) -> bool:
    return wait_for(predicate, timeout, ignoring=(requests.RequestException,), step=0.5)
