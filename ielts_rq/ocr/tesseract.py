"""Tesseract, the built-in OCR engine: pages of an image or PDF into words.

The file type is judged by its content (PNG, JPEG, TIFF, WebP or PDF). Files
over ``MAX_BYTES``, images over ``MAX_PIXELS`` (checked from the header,
before any decoding) and PDFs over ``MAX_PAGES`` pages are refused with a
``PermanentError`` saying so. Tesseract (Debian ``tesseract-ocr`` and
``tesseract-ocr-eng``) runs with one OpenMP thread (``OMP_THREAD_LIMIT=1``).

Preprocessing is limited to what measurably helps Tesseract on essay pages
(see ``prepare``): grayscale, deskew by projection profile (pages tilted 8
degrees or more are otherwise unreadable) and a 2x upscale of images under
1000 px wide (a small noisy photo went from 31% to 1% character errors).
Photos are turned upright by their EXIF orientation, and a page that still
reads poorly is turned by Tesseract's orientation detection and read again.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
import warnings

from .. import media
from ..errors import PermanentError, TransientError
from .result import LOW_PAGE_CONFIDENCE, summarise

MAX_BYTES = 20 * media.MB
MAX_PIXELS = 40_000_000          # per image
MAX_SIDE = 20_000                # px: the long side of an A4 page at 1700 dpi
MAX_ASPECT = 12                  # long side / short side: a page, or a few pages stitched, not a strip
MAX_TOTAL_PIXELS = 120_000_000   # all the frames of one file together
MAX_PDF_PAGE_PIXELS = 12_000_000  # a rendered PDF page: A4 at 300 dpi is 8.7 megapixels
MAX_PAGES = 20                   # PDF pages / TIFF frames
MIN_INK_SHARE = 0.001            # below this share of dark pixels a page is blank: nothing to deskew
PDF_DPI = 300
UPSCALE_BELOW_WIDTH = 1000       # px: smaller images are enlarged 2x
MAX_DESKEW = 15.0                # degrees of skew searched for and corrected
MIN_DESKEW = 0.5                 # smaller skews are left alone
PAGE_TIMEOUT = 180               # seconds Tesseract may spend on one page
FILE_TIMEOUT = 480               # seconds for all the pages of a file: under the OCR job's 600 s timeout
LANGUAGES = {"en": "eng", "eng": "eng"}


def warm_up() -> None:
    """Load what reading a page needs into this process once (about 0.15 s of CPU): Pillow's image
    plugins, NumPy, pytesseract (which imports more) and its check of Tesseract's version, a
    process of its own. A file worker calls this before its first job, so each forked horse inherits
    them instead of paying for them again on every file."""
    import numpy  # noqa: F401  skew_angle's arithmetic
    import pytesseract
    from PIL import Image

    Image.init()
    with contextlib.suppress(pytesseract.TesseractNotFoundError):  # a job then says so, retried
        pytesseract.get_tesseract_version(cached=True)


def extract_local(data: bytes, language: str = "en", kind: str | None = None, pages_read: list | None = None,
                  on_page=None, stop=None) -> dict:
    """Run Tesseract on every page of ``data`` and summarise the words it found.

    A job near its soft time limit (``stop()`` true before a page) stops with a ``TransientError``; each
    page read is handed to ``on_page(number, page)`` to be saved, and its retry passes the saved pages back
    as ``pages_read``, so the file is read on from where it stopped.
    """
    kind = kind or media.require_kind(data, media.IMAGE_KINDS, max_bytes=MAX_BYTES)
    lang = tesseract_language(language)
    pages = pdf_pages(data) if kind == "pdf" else image_pages(data)
    deadline = time.monotonic() + FILE_TIMEOUT
    results = list(pages_read or [])
    for number, page in enumerate(pages, start=1):
        if number <= len(results):
            continue  # read by an earlier attempt of the job
        if time.monotonic() >= deadline:
            raise _file_too_slow(f": {number - 1} pages read")
        if stop is not None and stop():
            raise TransientError(f"OCR stopped at the job's soft time limit after {number - 1} page(s), "
                                 "which are saved; its retry reads on from there")
        results.append(read_page(page, lang, deadline))
        if on_page is not None:
            on_page(number, results[-1])
    return summarise(results, engine="tesseract")


def read_page(image, lang: str, deadline: float | None = None) -> dict:
    """Recognise one page; a poor result is retried once turned upright by Tesseract's OSD.

    A page photographed sideways or upside down reads as gibberish with a mean
    confidence around 40; orientation detection costs about as much as a
    recognition pass, so it runs only then.
    """
    prepared = prepare(image)
    result = recognise(prepared, lang, deadline)
    if mean_confidence(result) >= LOW_PAGE_CONFIDENCE or _seconds_left(deadline) < 1:
        return result
    turned = upright(prepared, deadline)
    if turned is None:
        return result
    second = recognise(turned, lang, deadline)
    return second if mean_confidence(second) > mean_confidence(result) else result


def mean_confidence(page: dict) -> float:
    confidences = page["confidences"]
    return sum(confidences) / len(confidences) if confidences else 0.0


def _file_too_slow(progress: str = "") -> PermanentError:
    return PermanentError(f"OCR of this file took longer than {FILE_TIMEOUT} s{progress}; send fewer or smaller pages")


def _seconds_left(deadline: float | None) -> float:
    """What a Tesseract run may take: a page's limit, or less when the file's time is nearly out."""
    return PAGE_TIMEOUT if deadline is None else max(0.0, min(PAGE_TIMEOUT, deadline - time.monotonic()))


def upright(image, deadline: float | None = None):
    """The page turned the way Tesseract's orientation detection says, or None."""
    import pytesseract

    try:
        with single_threaded():
            osd = pytesseract.image_to_osd(uncompressed(image), output_type=pytesseract.Output.DICT,
                                           timeout=max(_seconds_left(deadline), 0.1))
    except (pytesseract.TesseractError, RuntimeError):  # too few characters, or too slow
        return None
    rotate = int(osd.get("rotate", 0)) % 360
    return image.rotate(-rotate, expand=True, fillcolor=255) if rotate else None


def tesseract_language(language: str) -> str:
    code = LANGUAGES.get(str(language).lower())
    if not code:
        raise PermanentError(
            f"unsupported OCR language {language!r} (supported: {', '.join(sorted(LANGUAGES))})")
    return code


def image_pages(data: bytes) -> list:
    """The decoded frames of an image, its size checked before decoding."""
    from PIL import Image, ImageSequence

    image = open_image(data)
    frames = getattr(image, "n_frames", 1)
    if frames == 1:
        return [upright_by_exif(image)]
    if frames > MAX_PAGES:
        raise PermanentError(f"image has {frames} pages; at most {MAX_PAGES} are accepted")
    pages, total = [], 0
    try:
        for frame in ImageSequence.Iterator(image):
            check_pixels(frame.size)
            total += frame.width * frame.height
            if total > MAX_TOTAL_PIXELS:  # checked from each frame's header, before it is decoded
                raise PermanentError(f"image is too large: its {frames} pages hold more than "
                                     f"{MAX_TOTAL_PIXELS / 1e6:.0f} megapixels together")
            frame.load()
            pages.append(frame.copy())
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PermanentError(f"corrupt image: {exc}") from None
    return pages


def upright_by_exif(image):
    """Decode the image, turned as its EXIF orientation says (phone photos)."""
    from PIL import Image, ImageOps

    try:
        image.load()
        return ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PermanentError(f"corrupt image: {exc}") from None


def open_image(data: bytes):
    """Open an image lazily (header only) and refuse it if it is too large."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PermanentError(f"image is too large to process (decompression bomb refused): {exc}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PermanentError(f"corrupt image: cannot read its header ({exc})") from None
    check_pixels(image.size)
    return image


def check_pixels(size) -> None:
    """Refuse, from the header alone, an image no photo or scan of an essay could be."""
    width, height = size
    if width <= 0 or height <= 0:
        raise PermanentError(f"corrupt image: impossible size {width}x{height}")
    if width * height > MAX_PIXELS:
        raise PermanentError(
            f"image is too large: {width}x{height} pixels "
            f"(the limit is {MAX_PIXELS / 1e6:.0f} megapixels)")
    if max(width, height) > MAX_SIDE:
        raise PermanentError(f"image is too large: {width}x{height} pixels (no side may exceed {MAX_SIDE} px)")
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise PermanentError(f"image is {width}x{height} pixels: not the shape of a page "
                             f"(at most {MAX_ASPECT}:1)")


def pdf_pages(data: bytes):
    """Render each PDF page at ``PDF_DPI`` (less if that would exceed ``MAX_PDF_PAGE_PIXELS``)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PermanentError(f"corrupt or password-protected PDF: {exc}") from None
    try:
        count = len(pdf)
        if count == 0:
            raise PermanentError("PDF has no pages")
        if count > MAX_PAGES:
            raise PermanentError(f"PDF has {count} pages; at most {MAX_PAGES} are accepted")
        for index in range(count):  # one rendered page in memory at a time
            yield render_page(pdf[index])
    finally:
        pdf.close()


def render_page(page):
    width, height = page.get_size()  # points, 1/72 inch
    if width <= 0 or height <= 0 or max(width, height) > MAX_ASPECT * min(width, height):
        raise PermanentError(f"PDF page is {width:.0f}x{height:.0f} points: not the shape of a page")
    scale = PDF_DPI / 72
    if width * height * scale * scale > MAX_PDF_PAGE_PIXELS:  # a poster-sized page is read at lower dpi
        scale = (MAX_PDF_PAGE_PIXELS / (width * height)) ** 0.5
    try:
        bitmap = page.render(scale=scale, grayscale=True)
        image = bitmap.to_pil().copy()  # to_pil shares pdfium's buffer: own the pixels
        bitmap.close()
        return image
    except Exception as exc:  # pdfium reports render failures with its own types
        raise PermanentError(f"corrupt PDF: cannot render a page ({exc})") from None
    finally:
        page.close()


def prepare(image):
    """Grayscale, straighten, and enlarge small images 2x so their text is tall enough."""
    from PIL import Image

    image = grayscale(image)
    angle = skew_angle(image)
    if abs(angle) >= MIN_DESKEW:
        # Bilinear: Tesseract binarises the page anyway, and bicubic took 2.4 times the CPU on a 300-dpi page.
        image = image.rotate(angle, resample=Image.BILINEAR, expand=True, fillcolor=255)
    if image.width < UPSCALE_BELOW_WIDTH and image.width * image.height * 4 <= MAX_PIXELS:
        image = image.resize((image.width * 2, image.height * 2), Image.LANCZOS)
    return image


def grayscale(image):
    """8-bit grayscale of any image mode, the page's ink dark on a light ground.

    Transparent pixels become the white of paper (their colour is often black);
    16- and 32-bit and float images are scaled from their own range, where a plain
    conversion would clip every value above 255 to white.
    """
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):
        import numpy as np

        values = np.asarray(image, dtype=np.float32)
        low, high = float(values.min()), float(values.max())
        scaled = (values - low) * (255.0 / (high - low)) if high > low else np.full_like(values, 255.0)
        return Image.fromarray(scaled.astype(np.uint8), "L")
    return image.convert("L")


def skew_angle(image) -> float:
    """The rotation (degrees) that makes the text lines horizontal: projection profiles.

    Rows of text give the sharpest row-by-row ink profile when they are level;
    a coarse 1-degree search over +-MAX_DESKEW then a 0.2-degree refinement,
    on a copy at most 800 px across. Each angle's profile is counted from the
    coordinates of the ink pixels sheared by that angle, not from a rotated copy
    of the image: a tenth of the CPU (under 10 ms a page).
    """
    import numpy as np

    small = image.convert("L")
    factor = -(-max(small.size) // 800)  # ceiling: at most 800 px across
    if factor > 1:
        small = small.reduce(factor)  # a box average: a fraction of a bilinear resize's CPU
    ys, xs = np.nonzero(np.asarray(small) < 159)  # ink: darker than the 96 of 255 an inverted page shows
    if len(xs) < MIN_INK_SHARE * small.width * small.height:
        return 0.0  # a blank page has no lines to level: every angle would tie
    xs = xs - small.width // 2
    reach = small.height + small.width  # no shear within MAX_DESKEW moves a pixel further
    scores: dict[float, float] = {}

    def sharpness(angle: float) -> float:
        angle = round(float(angle), 1)
        if angle not in scores:
            # Each column shifted by a whole number of rows (a shear, the rotation's effect on the rows
            # for these small angles): every ink pixel lands in exactly one row, no rounding between rows.
            shift = np.rint(xs * -np.tan(np.deg2rad(angle))).astype(np.int64)
            profile = np.bincount(ys + shift + reach, minlength=2 * reach + small.height).astype(np.float32)
            scores[angle] = float(np.var(np.diff(profile)))
        return scores[angle]

    best = max(np.arange(-MAX_DESKEW, MAX_DESKEW + 0.01, 1.0), key=sharpness)
    best = max(np.arange(best - 1.0, best + 1.01, 0.2), key=sharpness)
    if sharpness(best) <= sharpness(0.0) * 1.05:
        return 0.0  # no angle reads clearly better than the page as it is
    return round(float(best), 1)


def recognise(image, lang: str, deadline: float | None = None) -> dict:
    """Run Tesseract on one page: its words, lines and per-word confidences."""
    import pytesseract

    timeout = _seconds_left(deadline)
    if timeout <= 0:
        raise _file_too_slow()
    try:
        with single_threaded():
            data = pytesseract.image_to_data(uncompressed(image), lang=lang, config="--psm 3",
                                             output_type=pytesseract.Output.DICT, timeout=timeout)
    except pytesseract.TesseractNotFoundError:
        raise TransientError("OCR engine unavailable: tesseract is not installed on this worker") from None
    except pytesseract.TesseractError as exc:  # caught before RuntimeError, which it is a kind of
        raise TransientError(tesseract_failure(exc.status, exc.message)) from None
    except RuntimeError as exc:  # pytesseract's own timeout: the page is too hard, a retry would be too
        if timeout < PAGE_TIMEOUT:  # cut short by the file's deadline, not the page's
            raise _file_too_slow() from None
        raise PermanentError(f"OCR took longer than {PAGE_TIMEOUT} s on one page: {exc}") from None
    return page_words(data)


def uncompressed(image):
    """The page marked for pytesseract to hand to Tesseract as an uncompressed TIFF file. Unmarked, it
    writes a PNG, and compressing a 300-dpi page costs about as much CPU as Tesseract reading it; a PGM
    is as quick to write but Tesseract reads it byte by byte (about 60 ms more CPU an A4 page than a TIFF)."""
    image.format = "TIFF"  # Pillow's TIFF is uncompressed unless asked otherwise
    return image


def tesseract_failure(status: int, message: str) -> str:
    """What went wrong with a tesseract run that ended badly, for a retried job's error."""
    if status < 0:  # ended by a signal: the worker being stopped, or the machine out of memory
        return f"OCR engine was stopped by signal {-status} before it finished; the page will be read again"
    return f"OCR engine failed (exit status {status}): {str(message)[:300] or 'no message'}"


@contextlib.contextmanager
def single_threaded():
    """Run Tesseract (a child process inheriting the environment) with one OpenMP thread.

    On two cores its threads made a page 2.8x slower (1.4 s against 4.1 s for
    an A4 page). The variable is set only around the call, so that other
    libraries of the worker keep their own threading.
    """
    previous = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)
        else:
            os.environ["OMP_THREAD_LIMIT"] = previous


def page_words(data: dict) -> dict:
    """Group Tesseract's word boxes into lines and paragraphs of text."""
    lines: dict[tuple, list[str]] = {}
    confidences = []
    for i, word in enumerate(data["text"]):
        conf = float(data["conf"][i])
        if conf < 0 or not word.strip():
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word.strip())
        confidences.append(conf)
    text, previous = [], None
    for key, words in lines.items():
        if previous is not None and key[:2] != previous[:2]:
            text.append("")  # blank line between paragraphs
        text.append(" ".join(words))
        previous = key
    return {"text": "\n".join(text), "confidences": confidences, "line_count": len(lines)}
