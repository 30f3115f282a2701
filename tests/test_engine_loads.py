"""The engines a file job needs are loaded once per worker process, not once per job."""

import re
import uuid

import pytest

from ielts_rq import enqueue
from ielts_rq.queueing.queues import JsonJob
from ielts_rq.storage import get_storage

from . import media_fixtures as mf
from .conftest import run_worker

ANSWERS = ("I read the newspaper every morning before work.",
           "My favourite place in my city is the old library near the river.")


@pytest.mark.slow
def test_a_file_worker_loads_the_speech_model_once_for_all_its_jobs(redis_conn, tmp_path):
    jobs = []
    for answer in ANSWERS:
        key = f"uploads/{uuid.uuid4().hex}.wav"
        get_storage().put(key, mf.flite_wav(answer, tmp_path))
        jobs.append(enqueue("process_audio", key))
    result = run_worker("file_processing", env={"LOG_LEVEL": "INFO"}, timeout=300)
    log = result.stdout + result.stderr
    for job in jobs:
        assert JsonJob.fetch(job.id, connection=redis_conn).return_value()["words"]
    worker_pid = re.search(r"worker \S+ started pid=(\d+)", log).group(1)
    loads = re.findall(r"speech model loaded pid=(\d+)", log)
    # One load, by the worker before its first job; its forked horses inherit the model.
    assert loads == [worker_pid], log


def test_a_file_worker_readies_tesseract_once_before_its_first_job(redis_conn):
    import sys

    import pytesseract

    from ielts_rq.queueing.worker import prepare

    pytesseract.get_tesseract_version._result = pytesseract.get_tesseract_version  # run_once's "not yet"
    prepare(redis_conn, ["file_processing"])
    assert "pytesseract" in sys.modules
    assert pytesseract.get_tesseract_version._result is not pytesseract.get_tesseract_version


def test_a_scoring_worker_loads_what_writing_and_speaking_answers_need_before_its_first_job(redis_conn):
    from ielts_rq.queueing.worker import prepare
    from ielts_rq.scoring import speaking, spelling

    # What a forked horse would otherwise load for each job, then throw away with the horse.
    prepare(redis_conn, ["scoring"])
    assert spelling._deletion_index.cache_info().currsize == 1
    assert speaking._word_trigrams.cache_info().currsize == 1
