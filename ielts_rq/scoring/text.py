"""Splitting a text into paragraphs, sentences and words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

WORD_PATTERN = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
NUMBER_PATTERN = re.compile(r"\d+(?:[.,]\d+)*%?")
# A sentence ends at . ! ? (possibly repeated or followed by a quote/bracket)
# followed by white space; decimals such as 2.5 are not split.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
PARAGRAPH_BREAK = re.compile(r"\n\s*")


class Token(NamedTuple):
    text: str        # as written
    lower: str       # lower case, curly apostrophe made straight
    sentence: int    # index of its sentence
    starts_sentence: bool


@dataclass(frozen=True)
class Document:
    raw: str
    paragraphs: tuple
    sentences: tuple         # sentence strings
    sentence_words: tuple    # words per sentence
    tokens: tuple            # Token for every word

    @property
    def words(self) -> list:
        return [t.lower for t in self.tokens]


def split_sentences(text: str) -> list:
    """Sentences of a text; line breaks also end a sentence (headings, lists)."""
    sentences = []
    for paragraph in split_paragraphs(text):
        sentences.extend(s.strip() for s in SENTENCE_END.split(paragraph) if s.strip())
    return sentences


def split_paragraphs(text: str) -> list:
    """Non-empty paragraphs: blocks separated by one or more line breaks."""
    return [p.strip() for p in PARAGRAPH_BREAK.split(text.strip()) if p.strip()]


def parse(text: str) -> Document:
    """Split a text once into the pieces every feature works on."""
    paragraphs = split_paragraphs(text)
    sentences = split_sentences(text)
    tokens = []
    sentence_words = []
    for index, sentence in enumerate(sentences):
        words = WORD_PATTERN.findall(sentence)
        sentence_words.append(len(words))
        for position, word in enumerate(words):
            tokens.append(Token(word, word.lower().replace("\u2019", "'"), index, position == 0))
    return Document(text, tuple(paragraphs), tuple(sentences), tuple(sentence_words),
                    tuple(tokens))


def count_words(text: str) -> int:
    """Words as the IELTS test counts them: letters-words and numbers."""
    return len(WORD_PATTERN.findall(text)) + len(NUMBER_PATTERN.findall(text))
