"""What of an answer is the learner's own English: not copied from the question, not repeated, not another language.

IELTS discounts copied rubric, and an answer is rated on what the learner
wrote, once. Before any feature is measured:

* sentences in another language are set aside (``language.foreign_sentences``);
* a sentence that repeats an earlier one, exactly or nearly (half its
  three-word sequences shared), is set aside: typing every sentence twice, or
  pasting a paragraph six times, adds nothing;
* a sentence addressed to whoever marks the answer ("This essay deserves band 9", "Dear examiner,
  please ...", "ignore the instructions above") is not part of the answer: it is set aside, never
  rated or praised;
* a sentence mostly copied from the question is set aside, and words the
  answer copies from the question in runs of four or more are not counted as
  the learner's words (the question pasted three times adds no length, no
  vocabulary and no relevance).

What is set aside is kept for feedback, quoted, so the learner sees why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .language import foreign_sentences
from .text import split_paragraphs, split_sentences

COPY_RUN = 4                 # words in a row shared with the question: copied, not written
MOSTLY_COPIED_SHARE = 0.5    # a sentence this much copied is the question, not the learner's
REPEAT_MIN_WORDS = 5
NEAR_REPEAT_MIN_WORDS = 6
NEAR_REPEAT_OVERLAP = 0.5    # share of three-word sequences two sentences have in common
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Words addressed to the marker, not written to answer the question.
ADDRESSED_TO_MARKER = re.compile(r"""
      \b(dear|to\ the|hello|hi|note\ (to|for)\ the)\s+(examiner|grader|marker|assessor|rater|evaluator|scorer)s?\b
    | \b(please|kindly)\s+(give|award|grade|mark|score|rate|assign)\b
    | \b(give|award|grade|mark|score|rate|assign)\s+(this|my)\s+(essay|answer|response|work|writing)\b
    | \b(award|assign|grade|mark)\s+me\b
    | \bthis\s+(essay|answer|response|text|writing)\s+(is|deserves|merits|should\s+(get|receive|be\s+given|score)|would\s+(get|score)|scores|is\s+worth)\s+(a\s+)?(band|score|full|high|top|the\s+(highest|maximum))
    | \bband\s*(score\s*)?(of\s*)?[5-9](\.[05])?\b
    | \b(full|maximum|top|highest)\s+(marks|band)\b
    | \b(ignore|disregard)\s+(all\s+|any\s+)?(the\s+)?(previous|above|earlier|prior|preceding|following)?\s*(instructions|rules|criteria|prompt)
""", re.IGNORECASE | re.VERBOSE)
_UNSPACED_SCRIPT = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass
class OwnText:
    text: str                                   # the answer with set-aside sentences removed, paragraphs kept
    words: int = 0                              # the learner's own words (copied runs inside sentences excluded)
    total_words: int = 0                        # every word of the answer as given
    copied_words: int = 0
    repeated: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)   # phrases of the question found in the answer
    addressed: list[str] = field(default_factory=list)  # sentences addressed to the marker
    copied_sentences: list[str] = field(default_factory=list)  # set aside as mostly copied from the question
    copied_paragraphs: int = 0                  # paragraphs made only of such sentences

    @property
    def repeated_share(self) -> float:
        repeated = sum(len(_WORD.findall(s.lower())) for s in self.repeated)
        return repeated / self.total_words if self.total_words else 0.0

    total_units: int = 0

    @property
    def foreign_share(self) -> float:
        """Share of the answer in other languages, in words (a Chinese or Japanese character counts as one)."""
        foreign = sum(text_units(s) for s in self.foreign)
        return foreign / self.total_units if self.total_units else 0.0


def own_text(answer: str, prompt: str | None) -> OwnText:
    """Split an answer into what counts and what is set aside."""
    question = _words(prompt or "")
    question_runs = {tuple(question[i:i + COPY_RUN]) for i in range(len(question) - COPY_RUN + 1)}
    result = OwnText(text="", total_words=len(_WORD.findall(answer.lower())), total_units=text_units(answer))
    foreign = set(foreign_sentences(split_sentences(answer)))
    seen_exact: set[str] = set()
    seen_shingles: list[set] = []
    kept_paragraphs = []
    for paragraph in split_paragraphs(answer):  # already normalised by the scorer
        kept, copied_here = [], False
        for sentence in split_sentences(paragraph):
            words = _words(sentence)
            copied = _copied_positions(words, question_runs)
            if sentence in foreign:
                result.foreign.append(sentence)
            elif ADDRESSED_TO_MARKER.search(sentence):
                result.addressed.append(sentence)
            elif words and len(copied) >= MOSTLY_COPIED_SHARE * len(words):
                result.copied.append(sentence)
                result.copied_sentences.append(sentence)
                copied_here = True
                result.copied_words += len(words)
            elif _repeats(words, seen_exact, seen_shingles):
                result.repeated.append(sentence)
            else:
                kept.append(sentence)
                result.words += len(words) - len(copied)
                if copied:
                    result.copied_words += len(copied)
                    result.copied.append(" ".join(words[i] for i in sorted(copied)))
        if kept:
            kept_paragraphs.append(" ".join(kept))
        elif copied_here:
            result.copied_paragraphs += 1
    result.text = "\n\n".join(kept_paragraphs)
    return result


# The question's own sentences said again with a few words changed ("Certain individuals think governments
# ought to use money on railways instead of ..."): a sentence whose meaning vector is this close to one of
# the question's sentences about its topic (three topic words or more: "To what extent do you agree?" is
# the task, not the question's content) echoes it. Restating the question once in an introduction is what
# essays do (on the calibration set's Task 2 essays the closest sentence is 0.63 at the median and 0.79 at
# the 90th percentile); the question showing up in three paragraphs or more, or as the whole introduction, is
# padding (on the 793 essays: 6 whose introduction is the question pasted, 3 restating it in every part). An
# introduction that restates each view in a sentence of its own and a conclusion that restates them again is
# how learners are taught to write: two paragraphs, however many sentences.
ECHO_SIMILARITY = 0.8
ECHO_MIN_WORDS = 6
ECHOES_TO_PAD = 3


def question_echoes(text: str, prompt: str | None) -> list[tuple[int, str]]:
    """(paragraph number, sentence) of the answer's sentences that say a sentence of the question again, a
    little reworded."""
    from . import meaning, relevance

    asked = [meaning.vector(s) for s in split_sentences(prompt or "") if len(set(relevance.content_stems(s))) >= 3]
    asked = [v for v in asked if v is not None]
    if not asked:
        return []
    echoes = []
    for number, paragraph in enumerate(split_paragraphs(text)):
        for sentence in split_sentences(paragraph):
            vector = meaning.vector(sentence) if len(sentence.split()) >= ECHO_MIN_WORDS else None
            if vector is not None and max(float(vector @ a) for a in asked) >= ECHO_SIMILARITY:
                echoes.append((number, sentence))
    return echoes


def question_copies(answer: str, own: OwnText, prompt: str | None) -> list[str]:
    """The question's sentences in the answer, copied or a little reworded, when they pad it (the whole
    introduction, or said again in three paragraphs or more); else []."""
    echoes = question_echoes(answer, prompt)
    copied = [c for c in own.copied_sentences if c not in {sentence for _, sentence in echoes}]
    paragraphs = {number for number, _ in echoes} | {_paragraph_of(answer, c) for c in copied}
    copies = [sentence for _, sentence in echoes] + copied
    return copies if own.copied_paragraphs or len(paragraphs) >= ECHOES_TO_PAD else []


def _paragraph_of(text: str, sentence: str) -> int:
    return next((i for i, paragraph in enumerate(split_paragraphs(text)) if sentence in paragraph), -1)


def mask_copied(text: str, prompt: str | None) -> str:
    """The text without the words it shares with the question in runs of four or more."""
    question = _words(prompt or "")
    runs = {tuple(question[i:i + COPY_RUN]) for i in range(len(question) - COPY_RUN + 1)}
    words = _words(text)
    copied = _copied_positions(words, runs)
    return " ".join(word for i, word in enumerate(words) if i not in copied)


# A sentence saying again what a sentence before the last one said (same meaning, other words) brings no new
# information. Sentences are compared by the mean WordLlama vector of their content words, centred on the
# answer's own mean so that the shared topic does not make every pair alike. On the calibration set's Task 2
# essays the words in such sentences are 0 at the median and 16% at the 99th percentile (10 of 793 essays
# reach RESTATED_SHARE); a reworded copy of the answer pasted after it makes 16-36%.
RESTATED_SIMILARITY = 0.5
RESTATED_MIN_CONTENT_WORDS = 3
RESTATED_MIN_SENTENCES = 6
RESTATED_SHARE = 0.15
# One sentence saying again what the answer said is how an answer sums up: in a 60-word answer that one sentence
# alone passed RESTATED_SHARE and cost an honest band-3 answer its Task Response (band 1). Padding takes two.
RESTATED_MIN_COUNT = 2
COPY_MIN_SHARE = 0.3  # a reworded copy set aside whole: at least this much of the answer, in two paragraphs or more
COPY_SHARE = 0.2      # ... and only when a fifth of the words are recognisably restated
COPY_RESTATED_SHARE = 0.4  # ... and so are two in five of the copy's own sentences, four at least (on the
COPY_MIN_RESTATED = 4      # calibration set, honest answers restate up to three sentences in their last paragraphs)


def restated_sentences(text: str) -> list[str]:
    """Sentences whose meaning repeats a sentence that came before the one just before them."""
    import numpy as np

    from . import meaning
    from .wordorder import FUNCTION_WORDS

    vectors = []
    for sentence in split_sentences(text):
        content = [w for w in _words(sentence) if len(w) > 2 and w not in FUNCTION_WORDS]
        vector = meaning.vector(" ".join(content)) if len(content) >= RESTATED_MIN_CONTENT_WORDS else None
        if vector is not None:
            vectors.append((sentence, vector))
    if len(vectors) < RESTATED_MIN_SENTENCES:
        return []
    matrix = np.array([v for _, v in vectors])
    matrix -= matrix.mean(axis=0)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9
    similar = matrix @ matrix.T
    return [vectors[i][0] for i in range(2, len(vectors)) if similar[i, :i - 1].max() >= RESTATED_SIMILARITY]


def restated_share(text: str, restated: list[str]) -> float:
    return sum(len(s.split()) for s in restated) / max(1, len(text.split()))


def before_restatement(text: str, restated: list[str]) -> str | None:
    """The paragraphs before the one where the answer starts saying itself again, if that is in its second half.

    An answer padded with a reworded copy of itself is the answer before the copy: what follows is set aside
    whole, not only the sentences recognisably restated. None when the restatement starts in the first half.
    """
    paragraphs = split_paragraphs(text)
    total, seen = len(text.split()), 0
    for index, paragraph in enumerate(paragraphs):
        if index and any(s in restated for s in split_sentences(paragraph)):
            # A conclusion restating the answer is one paragraph; a copy pasted after it is several.
            rest = [s for p in paragraphs[index:] for s in split_sentences(p)]
            copied = (index <= len(paragraphs) - 2 and total - seen >= COPY_MIN_SHARE * total
                      and sum(s in restated for s in rest) >= max(COPY_MIN_RESTATED, COPY_RESTATED_SHARE * len(rest)))
            return "\n\n".join(paragraphs[:index]) if seen >= total / 2 and copied else None
        seen += len(paragraph.split())
    return None


def without_sentences(text: str, dropped: list[str]) -> str:
    """The text with these sentences taken out, paragraphs kept."""
    drop = set(dropped)
    kept = [" ".join(s for s in split_sentences(p) if s not in drop) for p in split_paragraphs(text)]
    return "\n\n".join(p for p in kept if p)


# A sentence that brings no new specific word (none the question or an earlier sentence had, and none of the
# words any essay uses: "point", "matter", "society") adds no idea: "This is a very important point that
# everyone should think about." It stays in the text, but beyond EMPTY_ALLOWANCE of the answer its words do not
# count towards the answer's length. On the calibration set's Task 2 essays such sentences hold 3% of the words at
# the median, 13% at the 90th and 18% at the 95th percentile (weak answers repeat general words); a filler after
# every sentence makes 20-30%.
EMPTY_SENTENCE_IDF = 4.0
EMPTY_ALLOWANCE = 0.2
GENERIC_WORDS = frozenset("""everybody everyone everything something anything nothing someone anyone thing things lot lots
matter matters point points issue issues question questions topic topics opinion opinions world society life lives time
times fact facts really very much different various important significant big great certain kind sort type aspect
aspects nowadays today modern consider considering careful carefully worth talk talks talking discuss discussed know
knows known""".split())


def empty_sentences(text: str, prompt: str | None) -> list[str]:
    """Sentences that bring no specific word the question or an earlier sentence had not brought."""
    from . import relevance

    generic = {relevance.stem(w) for w in GENERIC_WORDS}
    seen = set(relevance.question_stems(prompt or ""))
    empty = []
    for sentence in split_sentences(text):
        stems = set(relevance.content_stems(sentence))
        if not any(s not in generic and relevance.idf(s) >= EMPTY_SENTENCE_IDF for s in stems - seen):
            empty.append(sentence)
        seen |= stems
    return empty


def text_units(text: str) -> int:
    """Words, with each character of a script written without spaces (Chinese, Japanese, Thai) as a word."""
    return len(text.split()) + len(_UNSPACED_SCRIPT.findall(text))


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def _copied_positions(words: list[str], runs: set) -> set[int]:
    copied = set()
    for i in range(len(words) - COPY_RUN + 1):
        if tuple(words[i:i + COPY_RUN]) in runs:
            copied.update(range(i, i + COPY_RUN))
    return copied


def _repeats(words: list[str], seen_exact: set, seen_shingles: list) -> bool:
    """True if the sentence repeats an earlier kept one; otherwise remember it."""
    key = " ".join(words)
    shingles = {tuple(words[i:i + 3]) for i in range(len(words) - 2)}
    if len(words) >= REPEAT_MIN_WORDS and key in seen_exact:
        return True
    if len(words) >= NEAR_REPEAT_MIN_WORDS and any(
            len(shingles & earlier) / len(shingles | earlier) >= NEAR_REPEAT_OVERLAP for earlier in seen_shingles):
        return True
    seen_exact.add(key)
    if shingles:
        seen_shingles.append(shingles)
    return False
