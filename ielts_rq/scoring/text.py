"""Normalising an answer's layout, then splitting it into paragraphs, sentences and words.

Answers arrive typed, pasted, read by OCR or transcribed, and their line
breaks mean different things: a typed essay puts one paragraph on each line,
while an OCR'd page or a text wrapped at 72 columns breaks every line. Before
anything is counted, ``normalise`` rebuilds the paragraphs the writer meant:
one paragraph per blank-line block or indented line, and a single line break
inside a block taken as a paragraph break only where it looks like one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

WORD_PATTERN = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
NUMBER_PATTERN = re.compile(r"\d+(?:[.,]\d+)*%?")
# A sentence ends at . ! ? (possibly repeated or followed by a quote/bracket)
# followed by white space; decimals such as 2.5 are not split.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
PARAGRAPH_BREAK = re.compile(r"\n\s*")
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_ENDS_CLAUSE = re.compile(r"[.!?:;][\"'\u201d\u2019)\]]*$")
_INDENTED = re.compile(r"^(\t| {2,})\S")
_WORD_HYPHEN = re.compile(r"[A-Za-z]-$")
# A block is wrapped when at least this share of its line breaks fall inside a sentence.
WRAPPED_SHARE = 0.5
MIN_WRAPPED_BREAKS = 3
# Cut at a fixed width (`fold -w 72`): most lines are exactly as long as the longest.
FIXED_WIDTH_SHARE = 0.6
MIN_WRAP_WIDTH = 30


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


def normalise(text: str) -> str:
    """The answer with one paragraph per line-separated block (``\n\n``), lines rejoined."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    # Invisible format characters (zero-width spaces and joiners, soft hyphens, a byte-order mark) print
    # nothing: inside a word they would only split it, and hide a misspelling from the checks.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    lines = [line for line in text.split("\n") if line.strip()]
    width = max((len(line.strip()) for line in lines), default=0)
    fixed = (width >= MIN_WRAP_WIDTH and len(lines) >= 3
             and sum(len(line) == width for line in lines) >= FIXED_WIDTH_SHARE * len(lines))
    paragraphs = []
    for block in _BLANK_LINES.split(text.strip("\n")):
        block_lines = [line for line in block.split("\n") if line.strip()]
        if block_lines:
            join = _join_cut_lines if fixed else _join_wrapped_lines
            paragraphs.extend(" ".join(p.split()) for p in join(block_lines, width))
    return "\n\n".join(p for p in paragraphs if p)


def _join_cut_lines(lines: list[str], width: int) -> list[str]:
    """Lines cut at exactly ``width`` characters, words split included: a shorter line ends a paragraph."""
    paragraphs, current = [], ""
    for line in lines:
        current += line
        if len(line) < width:
            paragraphs.append(current)
            current = ""
    return paragraphs + [current]


def _join_wrapped_lines(lines: list[str], width: int) -> list[str]:
    """Lines broken between words (typed, wrapped, OCR'd): keep only the breaks that end paragraphs."""
    breaks = list(zip(lines, lines[1:]))
    indented = any(_INDENTED.match(line) for line in lines[1:])  # then indentation alone marks paragraphs
    inside_sentence = sum(1 for before, after in breaks if _continues(before, after))
    wrapped = len(breaks) >= MIN_WRAPPED_BREAKS and inside_sentence / len(breaks) >= WRAPPED_SHARE
    paragraphs, current = [], lines[0].strip()
    for before, after in breaks:
        if indented:
            soft = not _INDENTED.match(after)
        elif wrapped:
            # A wrapped line ends early only at a paragraph's end, where the next word would have
            # fitted (with a column to spare: `fold -s` keeps the space after the last word).
            fits = len(before.strip()) + 2 + len(after.split()[0]) <= width
            soft = _continues(before, after) or not fits
        else:  # one paragraph a line, as typed; a small letter after the break continues a sentence
            soft = after.lstrip()[:1].islower()
        if not soft:
            paragraphs.append(current)
            current = after.strip()
        elif _WORD_HYPHEN.search(before) and after.lstrip()[:1].islower():
            current = current[:-1] + after.strip()  # a word broken at the end of a line ("develop-ment")
        else:
            current += " " + after.strip()
    return paragraphs + [current]


def _continues(before: str, after: str) -> bool:
    """A line break inside a sentence: no closing punctuation before it, or a small letter after it."""
    return not _ENDS_CLAUSE.search(before.rstrip()) or after.lstrip()[:1].islower()


def split_sentences(text: str) -> list:
    """Sentences of a text; line breaks also end a sentence (headings, lists)."""
    sentences = []
    for paragraph in split_paragraphs(text):
        sentences.extend(s.strip() for s in SENTENCE_END.split(paragraph) if s.strip())
    return sentences


def split_paragraphs(text: str) -> list:
    """Non-empty paragraphs: blocks separated by one or more line breaks (after ``normalise``)."""
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
