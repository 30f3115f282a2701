"""Is this English at all? Texts in another language or gibberish are not rated.

Three cheap signals: the script (share of letters that are Latin), the share
of words an English dictionary or frequency list knows, and the share of
English function words (any real English text is full of "the", "of", "is";
a Spanish or French text has almost none, even if a few words coincide).
"""

from __future__ import annotations

import functools
import gzip
import re
from pathlib import Path

from . import lexicon, spelling
from .tables import loaded_once

NOT_ENGLISH = "not_english"
GIBBERISH = "gibberish"

MIN_LATIN_LETTER_SHARE = 0.5
MIN_ENGLISH_WORD_SHARE = 0.7
MIN_FUNCTION_WORD_SHARE = 0.12
# A text that repeats a handful of words over and over is not an answer.
MIN_DISTINCT_WORD_SHARE = 0.06
MIN_WORDS_FOR_REPETITION_CHECK = 40
# Share of words another language's frequency list must know to call it that language.
MIN_FOREIGN_WORD_SHARE = 0.6
# Inside an English answer, a sentence is in another language when this share of its letters are.
FOREIGN_SENTENCE_LETTER_SHARE = 0.35
FOREIGN_SENTENCE_MIN_LETTERS = 10
FOREIGN_WORDS_PATH = Path(__file__).parent / "data" / "foreign_words.txt.gz"
_LETTERS = re.compile(r"[^\W\d_]+")


def rejection_reason(text: str, words: list) -> str | None:
    """``"not_english"``, ``"gibberish"`` or None (English that can be rated)."""
    if not any(c.isalpha() for c in text):
        return GIBBERISH
    if is_mostly_non_latin(text):
        return NOT_ENGLISH
    if not words:
        return GIBBERISH
    if (len(words) >= MIN_WORDS_FOR_REPETITION_CHECK
            and len(set(words)) / len(words) < MIN_DISTINCT_WORD_SHARE):
        return GIBBERISH
    english = sum(1 for w in words if spelling.is_english_word(w)) / len(words)
    function = sum(1 for w in words if w in lexicon.ENGLISH_FUNCTION_WORDS) / len(words)
    if english >= MIN_ENGLISH_WORD_SHARE and function >= MIN_FUNCTION_WORD_SHARE:
        return None
    _, foreign_share = lexicon.best_foreign_language(tuple(words))
    return NOT_ENGLISH if foreign_share >= MIN_FOREIGN_WORD_SHARE else GIBBERISH


def is_mostly_non_latin(text: str) -> bool:
    """True for texts written mostly in another script (Chinese, Arabic, Cyrillic...)."""
    if text.isascii():
        return False
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(1 for c in letters if c.isascii()) / len(letters) < MIN_LATIN_LETTER_SHARE


def foreign_sentences(sentences) -> list[str]:
    """The sentences written in another language (a Chinese paragraph, a Spanish sentence) in an English answer.

    A word is foreign when it is in another script, or in Latin letters with accents English does not use,
    or a common word of one of eleven languages (``data/foreign_words.txt.gz``) that English lacks.
    """
    return [sentence for sentence in sentences if _foreign_letter_share(sentence) >= FOREIGN_SENTENCE_LETTER_SHARE]


def _foreign_letter_share(sentence: str) -> float:
    words = _LETTERS.findall(sentence)
    letters = sum(len(word) for word in words)
    if letters < FOREIGN_SENTENCE_MIN_LETTERS and len(words) < 4:
        return 0.0
    foreign = sum(len(word) for word in words if _is_foreign(word))
    return foreign / letters if letters else 0.0


@functools.lru_cache(maxsize=50_000)
def _is_foreign(word: str) -> bool:
    low = word.lower()
    if not word.isascii():
        if any(char > "\u024f" for char in word):  # beyond the Latin alphabets: another script
            return True
        return not spelling.is_english_word(low)  # accented Latin: "façade" is English, "opinión" is not
    return low in _foreign_words() and not spelling.accepts(low)


@loaded_once
def _foreign_words() -> frozenset:
    with gzip.open(FOREIGN_WORDS_PATH, "rt", encoding="utf-8") as handle:
        return frozenset(handle.read().split())
