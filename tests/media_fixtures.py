"""Test data made at test time: text pages, PDFs, speech, and broken files.

Pages are drawn with Pillow in a DejaVu font (Debian ``fonts-dejavu-core``);
speech is synthesised with Debian's ``flite`` and re-encoded with PyAV.
"""

from __future__ import annotations

import glob
import io
import random
import re
import shutil
import struct
import subprocess
import wave
import zlib
from pathlib import Path

ESSAY = (
    "Some people believe that university students should study whatever they like, "
    "while others think that they should only be allowed to study subjects that will "
    "be useful in the future. In my opinion, students ought to have the freedom to "
    "choose their own courses, although governments may reasonably encourage subjects "
    "such as science and engineering.\n"
    "On the one hand, young people who follow their interests tend to work harder and "
    "achieve better results. A student who loves history will probably become a more "
    "dedicated researcher than one who was forced to study accounting. Moreover, the "
    "job market changes so quickly that nobody can predict which skills will be needed "
    "in twenty years.\n"
    "On the other hand, public money is limited, and it is understandable that a country "
    "wants graduates who can fill shortages in medicine, technology and teaching."
)
SECOND_PAGE = (
    "In conclusion, I believe that the benefits of free choice outweigh the drawbacks. "
    "Scholarships and lower fees can guide students towards important fields without "
    "removing their right to decide what they will learn."
)
SPEECH = (
    "Many people believe that the best way to learn a language is to live in a country "
    "where it is spoken. In my opinion, daily practice at home can be just as useful. "
    "Reading newspapers and listening to the radio help students build their vocabulary."
)


def dejavu_font(name: str = "DejaVuSans.ttf") -> str:
    """The path of a DejaVu font, found at run time."""
    found = shutil.which("fc-match") and subprocess.run(
        ["fc-match", "-f", "%{file}", name.rsplit(".", 1)[0]], capture_output=True, text=True).stdout
    if found and Path(found).name == name:
        return found
    for pattern in ("/usr/share/fonts/**/" + name, "/usr/local/share/fonts/**/" + name):
        hits = glob.glob(pattern, recursive=True)
        if hits:
            return hits[0]
    raise FileNotFoundError(f"{name} not found: install Debian's fonts-dejavu-core")


def text_page(text: str, *, width: int = 1700, font_size: int = 34, margin: int = 100,
              font: str = "DejaVuSans.ttf"):
    """A white page with ``text`` wrapped to its width, as a grayscale PIL image."""
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(dejavu_font(font), font_size)
    lines = wrap(text, face, width - 2 * margin)
    line_height = int(font_size * 1.5)
    height = max(2 * margin + line_height * len(lines), 400)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    for row, line in enumerate(lines):
        draw.text((margin, margin + row * line_height), line, font=face, fill=0)
    return page


def wrap(text: str, face, max_width: int) -> list[str]:
    lines = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}".strip()
            if face.getlength(candidate) <= max_width or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
        lines.append(current)
        lines.append("")
    return lines[:-1]


def photo_like(page, *, degrees: float = 4.0, noise: int = 40, seed: int = 7):
    """The page rotated a little, blurred a touch and sprinkled with noise."""
    import numpy as np
    from PIL import Image, ImageFilter

    rotated = page.rotate(degrees, resample=Image.BICUBIC, expand=True, fillcolor=255)
    rotated = rotated.filter(ImageFilter.GaussianBlur(0.8))
    pixels = np.asarray(rotated, dtype=np.int16)
    rng = np.random.default_rng(seed)
    pixels = pixels + rng.normal(0, noise / 2, pixels.shape).astype(np.int16)
    pixels = (pixels * 0.85 + 20).clip(0, 255).astype(np.uint8)  # greyer paper, less contrast
    return Image.fromarray(pixels, "L")


def image_bytes(image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def pdf_bytes(pages, resolution: float = 200.0) -> bytes:
    """A PDF with one page per image, made with Pillow's PDF writer."""
    buffer = io.BytesIO()
    first, *rest = [page.convert("RGB") for page in pages]
    first.save(buffer, "PDF", save_all=True, append_images=rest, resolution=resolution)
    return buffer.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares a huge image (a decompression bomb)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    data = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


# -- speech -------------------------------------------------------------------

def flite_wav(text: str, tmp_path: Path, voice: str = "slt") -> bytes:
    """Speech for ``text`` synthesised by flite, as WAV bytes."""
    if not shutil.which("flite"):
        raise FileNotFoundError("flite not found: install Debian's flite")
    out = Path(tmp_path) / f"speech-{voice}.wav"
    subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(out)], check=True)
    return out.read_bytes()


def encode_audio(wav: bytes, fmt: str) -> bytes:
    """Re-encode WAV bytes as "mp3", "ogg" (Opus), "m4a" or "aac" (ADTS) or "flac" with PyAV."""
    import av

    codec, container_format, rate = {
        "mp3": ("libmp3lame", "mp3", None), "ogg": ("libopus", "ogg", 48000),
        "m4a": ("aac", "ipod", None), "aac": ("aac", "adts", None), "flac": ("flac", "flac", None),
    }[fmt]
    out = io.BytesIO()
    with av.open(io.BytesIO(wav)) as source, av.open(out, "w", format=container_format) as sink:
        in_stream = source.streams.audio[0]
        rate = rate or in_stream.rate
        stream = sink.add_stream(codec, rate=rate)
        stream.layout = "mono"
        resampler = av.AudioResampler(format=stream.format.name if stream.format else None,
                                      layout="mono", rate=rate)
        for frame in source.decode(in_stream):
            for converted in resampler.resample(frame):
                sink.mux(stream.encode(converted))
        for converted in resampler.resample(None):
            sink.mux(stream.encode(converted))
        sink.mux(stream.encode(None))
    return out.getvalue()


def silent_wav(seconds: float, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * int(seconds * rate))
    return buffer.getvalue()


def random_bytes(size: int = 4096, seed: int = 3) -> bytes:
    data = bytearray(random.Random(seed).randbytes(size))
    data[:4] = b"\x13\x37\x00\x42"  # no accidental magic number
    return bytes(data)


# -- scoring ------------------------------------------------------------------

def char_error_rate(reference: str, hypothesis: str) -> float:
    """Levenshtein distance between the texts (white space collapsed) / reference length."""
    from rapidfuzz.distance import Levenshtein

    ref, hyp = " ".join(reference.split()), " ".join(hypothesis.split())
    return Levenshtein.distance(ref, hyp) / max(len(ref), 1)


def words_of(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split()


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level Levenshtein distance / number of reference words."""
    ref, hyp = words_of(reference), words_of(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1] / max(len(ref), 1)


# -- a stand-in service on the loopback interface -------------------------------

class FakeService:
    """A real HTTP server in a thread answering POSTs from a queue of replies.

    Each reply is ``(status, body)``; body is a dict (sent as JSON) or a str.
    The last reply is repeated once the queue runs dry. Requests are recorded
    as ``(path, form fields, {field: (filename, content type, bytes)})``.
    """

    def __init__(self, replies):
        import threading
        from http.server import ThreadingHTTPServer

        self.replies = list(replies)
        self.requests = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _handler(self):
        import json
        from http.server import BaseHTTPRequestHandler

        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fields, files = parse_multipart(self.headers.get("Content-Type", ""), body)
                service.requests.append((self.path, fields, files))
                status, reply = service.replies.pop(0) if len(service.replies) > 1 else service.replies[0]
                payload = (json.dumps(reply) if isinstance(reply, (dict, list)) else reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if isinstance(reply, dict) else "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        return Handler


def parse_multipart(content_type: str, body: bytes):
    """Form fields and files of a multipart/form-data body."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    fields, files = {}, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        if filename is None:
            fields[name] = payload.decode()
        else:
            files[name] = (filename, part.get_content_type(), payload)
    return fields, files
