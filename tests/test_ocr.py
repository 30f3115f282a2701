"""OCR with the real Tesseract engine, on pages rendered at test time."""

from __future__ import annotations

import os
import time

import pytest

from ielts_rq import ocr
from ielts_rq.errors import PermanentError, TransientError
from ielts_rq.ocr import result as ocr_result
from ielts_rq.ocr import tesseract
from ielts_rq.settings import load_settings
from tests import media_fixtures as mf


@pytest.fixture
def settings(tmp_path):
    return load_settings({"IELTS_RQ_HOME": str(tmp_path)})


@pytest.fixture(scope="module")
def page():
    return mf.text_page(mf.ESSAY)


def test_clean_page_is_read_accurately(page, settings, monkeypatch):
    import pytesseract

    seen = []
    original = pytesseract.image_to_data

    def spy(*args, **kwargs):
        seen.append(os.environ.get("OMP_THREAD_LIMIT"))
        return original(*args, **kwargs)

    monkeypatch.setattr(pytesseract, "image_to_data", spy)
    result = ocr.extract_text(mf.image_bytes(page, "PNG"), settings=settings)
    assert seen == ["1"]  # the environment Tesseract's process inherits
    assert mf.char_error_rate(mf.ESSAY, result["text"]) <= 0.02
    assert result["engine"] == "tesseract"
    assert result["pages"] == 1
    assert result["confidence"] > 80
    assert result["low_confidence"] is False
    assert result["notes"] == []
    assert abs(result["word_count"] - len(mf.ESSAY.split())) <= 3
    assert result["line_count"] >= 10


def test_paragraphs_are_kept(page, settings):
    result = ocr.extract_text(mf.image_bytes(page, "PNG"), settings=settings)
    assert len([p for p in result["text"].split("\n\n") if p.strip()]) == 3


def test_jpeg_page(page, settings):
    result = ocr.extract_text(mf.image_bytes(page.convert("RGB"), "JPEG", quality=80), settings=settings)
    assert mf.char_error_rate(mf.ESSAY, result["text"]) <= 0.02


def test_two_page_pdf_keeps_page_order(settings):
    data = mf.pdf_bytes([mf.text_page(mf.ESSAY), mf.text_page(mf.SECOND_PAGE)])
    result = ocr.extract_text(data, settings=settings)
    assert result["pages"] == 2
    text = result["text"]
    assert text.index("Some people believe") < text.index("In conclusion")
    assert mf.char_error_rate(mf.ESSAY + " " + mf.SECOND_PAGE, text) <= 0.02


def test_rotated_noisy_photo(page, settings):
    photo = mf.photo_like(page, degrees=4, noise=40)
    result = ocr.extract_text(mf.image_bytes(photo.convert("RGB"), "JPEG", quality=85), settings=settings)
    assert mf.char_error_rate(mf.ESSAY, result["text"]) <= 0.05


def test_strongly_tilted_small_photo_is_straightened(settings):
    small = mf.text_page(mf.ESSAY, width=800, font_size=14, margin=40)
    photo = mf.photo_like(small, degrees=-10, noise=30)
    result = ocr.extract_text(mf.image_bytes(photo, "PNG"), settings=settings)
    assert mf.char_error_rate(mf.ESSAY, result["text"]) <= 0.05


@pytest.mark.parametrize("degrees", [0, 3, -7, 12])
def test_skew_angle_is_measured(degrees):
    from PIL import Image

    tilted = mf.text_page(mf.ESSAY).rotate(degrees, resample=Image.BICUBIC, expand=True, fillcolor=255)
    assert tesseract.skew_angle(tilted) == pytest.approx(-degrees, abs=0.5)


@pytest.mark.parametrize("fmt", ["WEBP", "TIFF"])
def test_webp_and_tiff_are_accepted(fmt, settings):
    image = mf.text_page(mf.SECOND_PAGE, width=1200, font_size=30)
    result = ocr.extract_text(mf.image_bytes(image, fmt), settings=settings)
    assert mf.char_error_rate(mf.SECOND_PAGE, result["text"]) <= 0.03


def test_blank_page_is_low_confidence(settings):
    from PIL import Image

    result = ocr.extract_text(mf.image_bytes(Image.new("L", (1200, 900), 255), "PNG"), settings=settings)
    assert result["text"] == ""
    assert result["word_count"] == 0
    assert result["low_confidence"] is True
    assert ocr_result.LOW_CONFIDENCE_NOTE in result["notes"]


def test_text_file_named_png_is_unsupported(settings):
    with pytest.raises(PermanentError, match=r"unsupported file type: plain text \(accepted: PNG, JPEG"):
        ocr.extract_text(b"This is my essay, saved as essay.png\n" * 10, settings=settings)


def test_random_bytes_are_unsupported(settings):
    with pytest.raises(PermanentError, match="unsupported file type: unknown"):
        ocr.extract_text(mf.random_bytes(), settings=settings)


def test_truncated_jpeg_is_corrupt(page, settings):
    data = mf.image_bytes(page.convert("RGB"), "JPEG")
    with pytest.raises(PermanentError, match="corrupt image"):
        ocr.extract_text(data[: len(data) // 3], settings=settings)


def test_damaged_png_header_is_corrupt(settings):
    with pytest.raises(PermanentError, match="corrupt image"):
        ocr.extract_text(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, settings=settings)


@pytest.mark.timing
@pytest.mark.parametrize("side", [50_000, 7_000])
def test_decompression_bomb_refused_before_decoding(side, settings, monkeypatch):
    from PIL import ImageFile

    def no_decoding(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    started = time.monotonic()
    with pytest.raises(PermanentError, match="too large"):
        ocr.extract_text(mf.png_claiming_size(side, side), settings=settings)
    assert time.monotonic() - started < 1


def test_empty_file(settings):
    with pytest.raises(PermanentError, match="file is empty"):
        ocr.extract_text(b"", settings=settings)


def test_file_over_size_limit(settings, monkeypatch):
    monkeypatch.setattr(ocr, "MAX_BYTES", 1024 * 1024)
    data = b"\x89PNG\r\n\x1a\n" + bytes(2 * 1024 * 1024)
    with pytest.raises(PermanentError, match=r"file is too large: 2.0 MB \(the limit is 1 MB\)"):
        ocr.extract_text(data, settings=settings)


def test_pdf_over_page_limit(settings, monkeypatch):
    from PIL import Image

    monkeypatch.setattr(tesseract, "MAX_PAGES", 2)
    data = mf.pdf_bytes([Image.new("L", (200, 200), 255)] * 3)
    with pytest.raises(PermanentError, match="PDF has 3 pages; at most 2 are accepted"):
        ocr.extract_text(data, settings=settings)


@pytest.mark.parametrize("file_timeout", [0.3, 1.5])
def test_a_file_whose_pages_outlast_the_job_fails_fast_naming_why(settings, monkeypatch, file_timeout):
    # Twenty pages of a few seconds each would outlast the job's 600 s: the file has a deadline of its own,
    # shorter than the job's, so the job fails saying so instead of timing out (and being retried).
    monkeypatch.setattr(tesseract, "FILE_TIMEOUT", file_timeout)
    # Twelve pages: on a quick machine a page takes a few tenths of a second, and all of them must not fit.
    data = mf.pdf_bytes([mf.text_page(mf.ESSAY)] * 12)
    started = time.monotonic()
    with pytest.raises(PermanentError, match=f"OCR of this file took longer than {file_timeout} s"):
        ocr.extract_text(data, settings=settings)
    assert time.monotonic() - started < file_timeout + 20  # stopped near its deadline, not after every page


def test_corrupt_pdf(settings):
    with pytest.raises(PermanentError, match="corrupt or password-protected PDF"):
        ocr.extract_text(b"%PDF-1.7\n" + mf.random_bytes(2000), settings=settings)


def test_unknown_language(page, settings):
    with pytest.raises(PermanentError, match="unsupported OCR language 'xx'"):
        ocr.extract_text(mf.image_bytes(page, "PNG"), language="xx", settings=settings)


def test_upside_down_page_is_turned(page, settings):
    result = ocr.extract_text(mf.image_bytes(page.rotate(180), "PNG"), settings=settings)
    assert mf.char_error_rate(mf.ESSAY, result["text"]) <= 0.02


def test_exif_orientation_is_applied(page, settings, monkeypatch):
    from PIL import Image

    monkeypatch.setattr(tesseract, "upright", lambda image: pytest.fail("orientation detection was needed"))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display", as phones write it
    stored = page.rotate(90, expand=True).convert("RGB")
    result = ocr.extract_text(mf.image_bytes(stored, "JPEG", quality=90, exif=exif), settings=settings)
    assert mf.char_error_rate(mf.ESSAY, result["text"]) <= 0.02


def _tesseract_wrapper(tmp_path, script: str) -> str:
    """A tesseract command that runs the real engine under a fault (the script's first lines)."""
    import shutil

    wrapper = tmp_path / "tesseract"
    wrapper.write_text(f"#!/bin/sh\n{script}\nexec {shutil.which('tesseract')} \"$@\"\n")
    wrapper.chmod(0o755)
    return str(wrapper)


def test_tesseract_stopped_by_a_signal_is_retried_not_called_slow(page, settings, tmp_path, monkeypatch):
    # The real engine gets SIGTERM mid-page, as when the platform stops the dyno.
    import pytesseract

    command = _tesseract_wrapper(tmp_path, "(sleep 0.3; kill -TERM $$) &")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", command)
    with pytest.raises(TransientError, match="stopped by signal 15"):
        ocr.extract_text(mf.image_bytes(page), settings=settings)


def test_tesseract_that_fails_is_retried_with_its_message(page, settings, tmp_path, monkeypatch):
    import pytesseract

    command = _tesseract_wrapper(tmp_path, "echo 'Error opening data file eng.traineddata' >&2; exit 1")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", command)
    with pytest.raises(TransientError, match="exit status 1.*eng.traineddata"):
        ocr.extract_text(mf.image_bytes(page), settings=settings)


def test_a_page_over_the_time_limit_is_permanent(page, settings, tmp_path, monkeypatch):
    import pytesseract

    monkeypatch.setattr(tesseract, "PAGE_TIMEOUT", 1)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", _tesseract_wrapper(tmp_path, "sleep 5"))
    with pytest.raises(PermanentError, match="longer than 1 s"):
        ocr.extract_text(mf.image_bytes(page), settings=settings)
