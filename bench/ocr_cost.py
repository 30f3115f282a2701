"""CPU seconds to read one A4 page at 300 dpi: ielts-rq's OCR against plain Tesseract, in one run.

Usage: python -m bench.ocr_cost [--runs 3]

Two pages are drawn from an essay (tests/media_fixtures.py): a clean scan and a
photographed one (tilted, noisy, saved as JPEG). Each is read by
``ielts_rq.ocr.tesseract.extract_local`` (decoding, straightening, Tesseract with
word confidences) and by plain ``OMP_THREAD_LIMIT=1 tesseract PAGE stdout`` on the
same JPEG, with the same page segmentation (``--psm 3``). CPU is user + system time
of the processes each side starts and waits for (for ielts-rq, a process forked per
page as the file worker forks a horse per job, and the Tesseract it runs), so the
figure counts what a job really costs and not what else the machine is doing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cpu import in_forked_process, median_cpu  # noqa: E402
from ielts_rq.ocr.tesseract import extract_local  # noqa: E402
from ielts_rq.queueing.worker import preload  # noqa: E402

A4_300_DPI_WIDTH = 2480
PAGES = {"clean scan": "clean.jpg", "photographed": "photo.jpg"}


def plain_tesseract(path: str) -> None:
    subprocess.run(["tesseract", path, "stdout", "--psm", "3"], capture_output=True, check=True,
                   env={**os.environ, "OMP_THREAD_LIMIT": "1"})


def write_pages(directory: str) -> None:
    """The two pages as JPEG files, drawn in a process of their own: the measuring process then holds
    only what the file worker holds (its preload), not the drawing's imports."""
    from tests.essays import GOOD_ESSAY
    from tests.media_fixtures import image_bytes, photo_like, text_page

    scan = text_page(GOOD_ESSAY, width=A4_300_DPI_WIDTH, font_size=48)
    for page, name in zip((scan, photo_like(scan)), PAGES.values()):
        Path(directory, name).write_bytes(image_bytes(page, "JPEG", quality=90))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each side; the median is shown")
    parser.add_argument("--write-pages", metavar="DIR", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.write_pages:
        return write_pages(options.write_pages)
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run([sys.executable, "-m", "bench.ocr_cost", "--write-pages", directory], check=True,
                       cwd=Path(__file__).resolve().parents[1])
        preload(["file_processing"])  # warm as the file worker is before its first job
        print(f"{'page':14} {'ielts-rq s':>10} {'tesseract s':>11} {'ratio':>6}")
        for label, name in PAGES.items():
            path = str(Path(directory, name))
            data = Path(path).read_bytes()
            ours = median_cpu(lambda: in_forked_process(lambda: extract_local(data)), options.runs)
            plain = median_cpu(lambda: plain_tesseract(path), options.runs)
            print(f"{label:14} {ours:10.2f} {plain:11.2f} {ours / plain:6.2f}")


if __name__ == "__main__":
    main()
