"""CPU seconds to read one A4 page at 300 dpi: ielts-rq's OCR against plain Tesseract, in one run.

Usage: python -m bench.ocr_cost [--runs 3]

Two pages are drawn from an essay (tests/media_fixtures.py): a clean scan and a
photographed one (tilted, noisy, saved as JPEG). Each is read by
``ielts_rq.ocr.tesseract.extract_local`` (decoding, straightening, Tesseract with
word confidences) and by plain ``OMP_THREAD_LIMIT=1 tesseract PAGE stdout`` on the
same JPEG. CPU is this process's and its children's (Tesseract), so the figure
does not depend on what else the machine is doing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ielts_rq.ocr.tesseract import extract_local  # noqa: E402
from tests.essays import GOOD_ESSAY  # noqa: E402
from tests.media_fixtures import image_bytes, photo_like, text_page  # noqa: E402

A4_300_DPI_WIDTH = 2480


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def median_cpu(run, times: int) -> float:
    spent = []
    for _ in range(times):
        before = cpu_seconds()
        run()
        spent.append(cpu_seconds() - before)
    return statistics.median(spent)


def plain_tesseract(path: str) -> None:
    subprocess.run(["tesseract", path, "stdout", "--psm", "3"], capture_output=True, check=True,
                   env={**os.environ, "OMP_THREAD_LIMIT": "1"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each side; the median is shown")
    options = parser.parse_args()
    scan = text_page(GOOD_ESSAY, width=A4_300_DPI_WIDTH, font_size=48)
    pages = {"clean scan": scan, "photographed": photo_like(scan)}
    print(f"{'page':14} {'ielts-rq s':>10} {'tesseract s':>11} {'ratio':>6}")
    for name, page in pages.items():
        data = image_bytes(page, "JPEG", quality=90)
        with tempfile.NamedTemporaryFile(suffix=".jpg") as file:
            file.write(data)
            file.flush()
            ours = median_cpu(lambda: extract_local(data), options.runs)
            plain = median_cpu(lambda: plain_tesseract(file.name), options.runs)
        print(f"{name:14} {ours:10.2f} {plain:11.2f} {ours / plain:6.2f}")


if __name__ == "__main__":
    main()
