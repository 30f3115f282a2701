"""Workers run only the registered jobs: a message naming any other function fails without importing it."""

import json
import os

import pytest

from ielts_rq import enqueue
from ielts_rq.queueing.queues import get_queue, is_registered

from .conftest import cli, run_worker

EVIL = "import pathlib; pathlib.Path({path!r}).write_text('imported')\ndef run(*args):\n    return 'ran'\n"


@pytest.mark.parametrize("function, args", [
    ("os.system", ["touch {marker}"]),
    ("subprocess.run", [["touch", "{marker}"]]),
    ("builtins.eval", ["open({marker!r}, 'w').write('x')"]),
    ("shutil.copyfile", ["/etc/hostname", "{marker}"]),  # the standard library's
    ("numpy.savetxt", ["{marker}", [1, 2, 3]]),  # an installed package's
    # Names a listed job module (EXTRA_JOB_MODULES: tests.fixtures) imports, not functions it defines.
    ("tests.fixtures.Path.touch", ["{marker}"]),
    ("tests.fixtures.Path", ["{marker}"]),
])
def test_a_message_naming_another_function_fails_as_not_registered(redis_conn, tmp_path, function, args):
    marker = tmp_path / "marker"
    filled = json.loads(json.dumps(args).replace("{marker}", str(marker)).replace("{marker!r}", repr(str(marker))))
    job = get_queue("health").enqueue_call(function, args=filled, description="attack")
    after = enqueue("health_check")
    run_worker("health")
    assert job.get_status(refresh=True) == "failed"
    assert "is not a registered job" in cli("job", "show", job.id).stdout
    assert not marker.exists()
    assert after.get_status(refresh=True) == "finished"  # the worker carried on


def test_an_unregistered_module_is_never_imported(redis_conn, tmp_path):
    marker = tmp_path / "imported"
    (tmp_path / "side_effect_module.py").write_text(EVIL.format(path=str(marker)))
    job = get_queue("health").enqueue_call("side_effect_module.run", description="attack")
    run_worker("health", env={"PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ['PYTHONPATH']}"})
    assert job.get_status(refresh=True) == "failed"
    assert not marker.exists()


def test_registered_jobs_and_listed_modules_are_allowed():
    assert is_registered("ielts_rq.jobs.scoring.score_submission")
    assert is_registered("tests.fixtures.fails_with")  # EXTRA_JOB_MODULES, set by the test suite
    assert not is_registered("ielts_rq.jobs.scoring.store")  # a name inside a job module is not a job
    assert not is_registered("ielts_rq.queueing.worker.run_worker")
    assert not is_registered("tests.fixtures.Path")  # imported by a listed module: not its job
    assert not is_registered(None)
