"""Speech to text with the real PocketSphinx engine, on speech synthesised by flite."""

from __future__ import annotations

import io
import wave

import pytest

from ielts_rq import speech
from ielts_rq.errors import PermanentError
from ielts_rq.settings import load_settings
from ielts_rq.speech import result as speech_result
from ielts_rq.speech import sphinx
from tests import media_fixtures as mf

VOICE = "rms"  # of flite's voices, the one PocketSphinx recognised best (WER 0-7% against 0-20% for slt)


@pytest.fixture
def settings(tmp_path):
    return load_settings({"IELTS_RQ_HOME": str(tmp_path)})


@pytest.fixture(scope="module")
def wav(tmp_path_factory):
    return mf.flite_wav(mf.SPEECH, tmp_path_factory.mktemp("speech"), voice=VOICE)


@pytest.fixture(scope="module")
def wav_result(wav):
    return speech.transcribe(wav, settings=load_settings({}))


def wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as reader:
        return reader.getnframes() / reader.getframerate()


def test_clear_speech_is_transcribed(wav, wav_result):
    assert mf.word_error_rate(mf.SPEECH, wav_result["text"]) <= 0.10
    assert wav_result["engine"] == "pocketsphinx"
    assert wav_result["duration"] == pytest.approx(wav_seconds(wav), abs=0.1)
    assert 0.5 < wav_result["confidence"] <= 1
    assert 100 < wav_result["speech_rate_wpm"] < 250
    assert wav_result["notes"] == []


def test_words_carry_monotonic_times_within_the_recording(wav_result):
    words = wav_result["words"]
    assert [w["word"] for w in words] == wav_result["text"].split()
    previous_end = 0.0
    for word in words:
        assert previous_end <= word["start"] < word["end"] <= wav_result["duration"] + 0.01
        assert 0 <= word["confidence"] <= 1
        assert word["word"].isalpha() or "'" in word["word"]
        previous_end = word["end"]


@pytest.mark.parametrize("fmt", ["mp3", "ogg", "m4a", "aac", "flac"])
def test_compressed_formats(fmt, wav, settings):
    data = mf.encode_audio(wav, fmt)
    result = speech.transcribe(data, settings=settings)
    assert mf.word_error_rate(mf.SPEECH, result["text"]) <= 0.15
    assert result["duration"] == pytest.approx(wav_seconds(wav), abs=0.2)


def test_pauses_between_sentences(tmp_path, settings):
    first = sphinx.decode_audio(mf.flite_wav("Reading newspapers helps students.", tmp_path, VOICE))
    second = sphinx.decode_audio(mf.flite_wav("Listening to the radio is useful too.", tmp_path, VOICE))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sphinx.SAMPLE_RATE)
        out.writeframes(first + b"\x00\x00" * int(1.5 * sphinx.SAMPLE_RATE) + second)
    result = speech.transcribe(buffer.getvalue(), settings=settings)
    gap_start = len(first) / (2 * sphinx.SAMPLE_RATE)
    long_pauses = [p for p in result["pauses"] if p["duration"] > 1.0]
    assert len(long_pauses) == 1
    assert long_pauses[0]["start"] == pytest.approx(gap_start, abs=0.5)
    assert long_pauses[0]["duration"] == pytest.approx(1.5, abs=0.5)


def test_wav_header_without_samples(settings):
    with pytest.raises(PermanentError, match="audio has no samples"):
        speech.transcribe(mf.silent_wav(0), settings=settings)


def test_random_bytes_are_not_audio(settings):
    with pytest.raises(PermanentError, match=r"unsupported file type: unknown .*\(accepted: WAV, MP3"):
        speech.transcribe(mf.random_bytes(), settings=settings)


def test_text_is_not_audio(settings):
    with pytest.raises(PermanentError, match="unsupported file type: plain text"):
        speech.transcribe(b"my answer, saved as answer.mp3", settings=settings)


def test_empty_file(settings):
    with pytest.raises(PermanentError, match="file is empty"):
        speech.transcribe(b"", settings=settings)


@pytest.mark.parametrize("magic", [b"RIFF\x00\x00\x00\x00WAVE", b"OggS", b"fLaC", b"\xff\xfb\x90\x00"])
def test_corrupt_audio(magic, settings):
    with pytest.raises(PermanentError, match="could not decode audio"):
        speech.transcribe(magic + mf.random_bytes(4000), settings=settings)


def test_audio_over_length_limit_refused_from_header(settings):
    data = mf.silent_wav(sphinx.MAX_SECONDS + 60, rate=8000)
    with pytest.raises(PermanentError, match=r"audio is too long: 11.0 minutes \(the limit is 10 minutes\)"):
        speech.transcribe(data, settings=settings)


def test_audio_over_length_limit_refused_while_decoding(wav, settings, monkeypatch):
    monkeypatch.setattr(sphinx, "MAX_SECONDS", 5)
    monkeypatch.setattr(sphinx, "declared_seconds", lambda container, stream: None)
    with pytest.raises(PermanentError, match=r"audio is too long"):
        speech.transcribe(mf.encode_audio(wav, "mp3"), settings=settings)


def test_file_over_size_limit(settings, monkeypatch):
    monkeypatch.setattr(speech, "MAX_BYTES", 1024 * 1024)
    with pytest.raises(PermanentError, match="file is too large"):
        speech.transcribe(mf.silent_wav(80, rate=16000), settings=settings)


def test_silent_recording_has_no_words(settings):
    result = speech.transcribe(mf.silent_wav(3, rate=16000), settings=settings)
    assert result["text"] == "" and result["words"] == []
    assert result["duration"] == pytest.approx(3.0)
    assert result["notes"] == [speech_result.SILENT_NOTE]


def test_unknown_language(wav, settings):
    with pytest.raises(PermanentError, match="unsupported speech language 'fr'"):
        speech.transcribe(wav, language="fr", settings=settings)


def test_decoder_is_loaded_once():
    assert sphinx.decoder() is sphinx.decoder()


@pytest.mark.parametrize("raw, word", [
    ("<s>", None), ("</s>", None), ("<sil>", None), ("[NOISE]", None), ("[SPEECH]", None),
    ("++UM++", None), ("read(2)", "read"), ("the(3)", "the"), ("hello", "hello"), ("don't", "don't"),
])
def test_clean_word(raw, word):
    assert sphinx.clean_word(raw) == word


def test_pauses_and_rate_from_word_times():
    words = [{"word": w, "start": s, "end": e, "confidence": 0.9}
             for w, s, e in [("one", 0.5, 0.9), ("two", 1.0, 1.3), ("three", 2.1, 2.5), ("four", 2.9, 3.5)]]
    assert speech_result.pauses(words) == [{"start": 1.3, "end": 2.1, "duration": 0.8}]
    assert speech_result.speech_rate(words) == 80.0


def test_a_file_worker_loads_the_speech_model_once_before_its_first_job(redis_conn):
    # Its forked horses inherit the model instead of each spending a second or two loading it again.
    from ielts_rq.queueing.worker import prepare

    sphinx.decoder.cache_clear()
    prepare(redis_conn, ["file_processing"])
    assert sphinx.decoder.cache_info().currsize == 1
