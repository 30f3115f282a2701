"""Costly inputs fail their own job fast, under a memory ceiling measured here, and the worker goes on.

Each file is small on disk and enormous once decoded (or slow to render).
A real forking worker reads them from storage; the peak memory of the worker
and everything it started (work horses, Tesseract) is read from the kernel's
accounting of the whole process tree.
"""

import io
import os
import subprocess
import sys
import time
import uuid

import pytest

from ielts_rq import enqueue
from ielts_rq.ocr import tesseract
from ielts_rq.queueing.queues import JsonJob, get_queue
from ielts_rq.storage import get_storage

from . import media_fixtures as mf
from .conftest import ROOT

MEMORY_CEILING_MB = 600  # the whole tree: worker, horse and Tesseract, against 2 GB+ decoded naively

HUGE_PAGE_PDF = (b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
                 b"2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
                 b"3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 14400 14400]>> endobj\n"
                 b"trailer <</Root 1 0 R>>\n%%EOF\n")  # 200 x 200 inches: 3.6 gigapixels at 300 dpi


def _tiff_of_many_large_frames() -> bytes:
    from PIL import Image

    frame = Image.new("L", (6000, 6000), 255)  # 36 MP each, a few KB compressed
    buffer = io.BytesIO()
    frame.save(buffer, "TIFF", compression="tiff_deflate", save_all=True, append_images=[frame] * 9)
    return buffer.getvalue()


def _run_worker_measured(*queues, env=None) -> tuple[int, float]:
    """Peak resident memory (MB) of a burst worker's whole process tree, and its run time."""
    measure = ("import resource, subprocess, sys; "
               "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "ielts_rq.cli", "worker", *queues,
                             "--burst"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip()) // 1024, time.monotonic() - started


@pytest.mark.parametrize("name, data, error", [
    ("strip.png", mf.png_claiming_size(40_000_000, 1), "no side may exceed"),
    ("tall-strip.png", mf.png_claiming_size(1_000, 30_000), "no side may exceed"),
    ("ribbon.png", mf.png_claiming_size(12_000, 500), "not the shape of a page"),
    ("frames.tiff", None, "megapixels together"),
])
def test_an_input_too_large_once_decoded_fails_fast_in_little_memory(redis_conn, name, data, error):
    data = data if data is not None else _tiff_of_many_large_frames()
    costly_key, fine_key = f"uploads/{uuid.uuid4().hex}-{name}", f"uploads/{uuid.uuid4().hex}.png"
    get_storage().put(costly_key, data)
    get_storage().put(fine_key, mf.image_bytes(mf.text_page("A short clear line of text for the reader.")))
    costly, fine = enqueue("process_image", costly_key), enqueue("process_image", fine_key)
    peak_mb, seconds = _run_worker_measured("file_processing")
    failed = JsonJob.fetch(costly.id, connection=redis_conn)
    assert failed.get_status() == "failed" and failed.retries_left == 0
    assert error in failed.latest_result().exc_string
    assert JsonJob.fetch(fine.id, connection=redis_conn).get_status() == "finished"
    assert peak_mb < MEMORY_CEILING_MB, f"{peak_mb} MB"
    assert seconds < 60


def test_a_poster_sized_pdf_page_is_read_at_a_bounded_size(redis_conn):
    key = f"uploads/{uuid.uuid4().hex}.pdf"
    get_storage().put(key, HUGE_PAGE_PDF)
    job = enqueue("process_image", key)
    peak_mb, seconds = _run_worker_measured("file_processing")
    done = JsonJob.fetch(job.id, connection=redis_conn)
    assert done.get_status() == "finished" and done.return_value()["low_confidence"] is True  # blank, quickly
    assert peak_mb < MEMORY_CEILING_MB and seconds < 60, (peak_mb, seconds)


def test_a_blank_page_is_not_deskewed():
    from PIL import Image

    assert tesseract.skew_angle(Image.new("L", (2480, 3508), 255)) == 0.0


def test_a_job_past_its_queues_memory_limit_fails_alone_and_the_worker_goes_on(redis_conn):
    queue = get_queue("file_processing")
    greedy = queue.enqueue_call("tests.fixtures.allocates", args=(800,), description="allocates")
    modest = queue.enqueue_call("tests.fixtures.allocates", args=(20,), description="allocates")
    peak_mb, _ = _run_worker_measured("file_processing", env={"MEMORY_LIMITS": "file_processing=400"})
    failed = JsonJob.fetch(greedy.id, connection=redis_conn)
    assert failed.get_status() == "failed"
    assert "MemoryError" in failed.latest_result().exc_string
    assert JsonJob.fetch(modest.id, connection=redis_conn).return_value() == "held 20 MB"
    assert peak_mb < 450, f"{peak_mb} MB"  # the 800 MB were never held
