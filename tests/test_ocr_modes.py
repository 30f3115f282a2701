"""Every image mode a phone or scanner produces is read as well as plain Tesseract reads it."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from PIL import Image

from ielts_rq import ocr
from ielts_rq.settings import load_settings
from tests import media_fixtures as mf

TEXT = ("Many people believe that university education should be free for every student, "
        "because it gives young people from poor families the same chances as everyone else.")


@pytest.fixture(scope="module")
def page():
    """A photographed page: grey ink on grey paper, slightly tilted, with noise."""
    return mf.photo_like(mf.text_page(TEXT, width=1400), degrees=2.0, noise=30).convert("L")


def _sixteen_bit(page):
    sixteen = Image.new("I;16", page.size)
    sixteen.frombytes((np.asarray(page, dtype=np.uint16) * 257).astype("<u2").tobytes())
    return sixteen


def _thresholded(page):
    return page.point(lambda v: 255 if v > 110 else 0).convert("1", dither=Image.NONE)


def _alpha_ink(page):
    ink = Image.eval(page, lambda v: 255 - v)  # ink opaque, paper transparent (and black underneath)
    return Image.merge("LA", (Image.new("L", page.size, 0), ink))


MODES = {  # name: (image from the grey page, file format)
    "8-bit grey": (lambda p: p, "PNG"),
    "16-bit grey": (_sixteen_bit, "PNG"),
    "bilevel (scanner threshold)": (_thresholded, "PNG"),
    "palette": (lambda p: p.convert("RGB").convert("P", palette=Image.ADAPTIVE, colors=16), "PNG"),
    "RGB": (lambda p: p.convert("RGB"), "PNG"),
    "grey with alpha": (_alpha_ink, "PNG"),
    "RGBA": (lambda p: _alpha_ink(p).convert("RGBA"), "PNG"),
    "CMYK": (lambda p: p.convert("RGB").convert("CMYK"), "JPEG"),
    "16-bit TIFF": (_sixteen_bit, "TIFF"),
}


def _plain_tesseract(path) -> str:
    return subprocess.run(["tesseract", str(path), "-", "--psm", "3"], capture_output=True, text=True,
                          env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"}).stdout


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_each_image_mode_reads_at_least_as_well_as_plain_tesseract(mode, page, tmp_path):
    build, fmt = MODES[mode]
    data = mf.image_bytes(build(page), fmt)
    path = tmp_path / f"page.{fmt.lower()}"
    path.write_bytes(data)
    ours = ocr.extract_text(data, settings=load_settings({"IELTS_RQ_HOME": str(tmp_path)}))
    ours_errors = mf.char_error_rate(TEXT, ours["text"])
    plain_errors = mf.char_error_rate(TEXT, _plain_tesseract(path))
    assert ours_errors <= max(plain_errors, 0.01) + 0.005, (ours["text"], ours_errors, plain_errors)
    assert ours["confidence"] > 80 and not ours["low_confidence"]
