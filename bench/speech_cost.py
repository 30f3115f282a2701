"""CPU seconds to transcribe a recorded answer: ielts-rq's speech job against plain PocketSphinx, in one run.

Usage: python -m bench.speech_cost [--runs 3]

A spoken Part 2 answer of about a minute is synthesised with flite (16 kHz WAV)
and re-encoded as MP3, as a phone or browser uploads it. ielts-rq's side is
``ielts_rq.speech.transcribe`` (checks, FFmpeg decoding and resampling,
PocketSphinx, words with times) in a process forked per answer from one warmed
as the file worker is (its preload), as the worker runs a job in a horse. The
plain side is PocketSphinx's ``Decoder`` with the same bundled model, already
loaded, on the same 16 kHz samples the job decodes from that upload (decoded
before timing): the engine alone, forked the same way. CPU is user + system time of the
processes each side waits for, so the figure does not depend on what else the
machine is doing.
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
from ielts_rq.queueing.worker import preload  # noqa: E402
from ielts_rq.settings import load_settings  # noqa: E402
from ielts_rq.speech import sphinx, transcribe  # noqa: E402

ANSWER = (
    "I would like to describe a teacher who influenced me a great deal when I was at secondary school. "
    "Her name was Mrs Collins and she taught us history for three years. What made her special was the "
    "way she told stories about the past, so that every lesson felt like a journey to another time. "
    "She never simply asked us to memorise dates. Instead she encouraged us to ask why people made the "
    "decisions they made, and what we would have done in their place. I remember one lesson about the "
    "industrial revolution when she brought in old photographs of factory workers, and we spent the "
    "whole hour imagining their daily lives. Because of her I became interested in reading, and I still "
    "buy history books today. I think she taught me that learning is not about passing examinations but "
    "about understanding the world and the people in it, and that is something I will never forget."
)
FILES = {"WAV 16 kHz": "answer.wav", "MP3": "answer.mp3"}


def plain_pocketsphinx(pcm: bytes) -> None:
    engine = sphinx.decoder()  # the model the parent loaded: the engine's own work only
    engine.start_utt()
    engine.process_raw(pcm, full_utt=True)
    engine.end_utt()
    engine.seg()


def write_answer(directory: str) -> None:
    """The answer as WAV and MP3, made in a process of their own: the measuring process then holds only
    what the file worker holds (its preload), not the encoder's imports."""
    from tests.media_fixtures import encode_audio, flite_wav

    wav = flite_wav(ANSWER, Path(directory), voice="slt")
    uploads = {FILES["WAV 16 kHz"]: wav, FILES["MP3"]: encode_audio(wav, "mp3")}
    for name, data in uploads.items():
        Path(directory, name).write_bytes(data)
        Path(directory, name + ".pcm").write_bytes(sphinx.decode_audio(data))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each side; the median is shown")
    parser.add_argument("--write-answer", metavar="DIR", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.write_answer:
        return write_answer(options.write_answer)
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run([sys.executable, "-m", "bench.speech_cost", "--write-answer", directory], check=True,
                       cwd=Path(__file__).resolve().parents[1])
        os.environ.pop("SPEECH_SERVICE_URL", None)
        preload(["file_processing"])  # warm as the file worker is before its first job
        settings = load_settings({})
        print(f"{'upload':12} {'answer s':>8} {'ielts-rq s':>10} {'plain s':>8} {'ratio':>6}")
        for label, name in FILES.items():
            data = Path(directory, name).read_bytes()
            pcm = Path(directory, name + ".pcm").read_bytes()
            ours = median_cpu(lambda: in_forked_process(lambda: transcribe(data, settings=settings)), options.runs)
            plain = median_cpu(lambda: in_forked_process(lambda: plain_pocketsphinx(pcm)), options.runs)
            seconds = len(pcm) / (2 * sphinx.SAMPLE_RATE)
            print(f"{label:12} {seconds:8.0f} {ours:10.2f} {plain:8.2f} {ours / plain:6.2f}")


if __name__ == "__main__":
    main()
