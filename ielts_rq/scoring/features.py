"""Text features the IELTS writing descriptors point to.

``writing_features`` returns two things: ``values``, a flat dict of numbers
the model uses, and ``evidence``, the concrete words and sentences feedback
quotes back to the learner.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from . import lexicon, spelling
from .grammar import analyse_grammar
from .rules import MIN_WORDS
from .text import NUMBER_PATTERN, Document, count_words, parse

MTLD_THRESHOLD = 0.72
WINDOW_TTR_SIZE = 50
RARE_WORD_ZIPF = 4.0          # known words rarer than this count as less common vocabulary
CONTENT_WORD_MIN_LENGTH = 4

_TASK1_DATA_WORDS = re.compile(
    r"\b(increas|decreas|ris|rose|fell|fall|declin|grew|grow|peak|drop|highest|lowest|"
    r"percent|proportion|figure|trend|compar|stabl|fluctuat|doubl|half)\w*", re.IGNORECASE)
_OVERVIEW_MARKERS = re.compile(
    r"\b(overall|in general|generally|it is clear|it is evident|to summari[sz]e|in summary|"
    r"it can be seen)\b", re.IGNORECASE)
_POSITION_MARKERS = re.compile(
    r"\b(i (strongly |completely |partly |totally )?(believe|think|agree|disagree|feel|would argue)|"
    r"in my (view|opinion)|from my perspective|my view is)\b", re.IGNORECASE)
_CONCLUSION_MARKERS = re.compile(
    r"\b(in conclusion|to conclude|to sum up|in summary|all in all|to summari[sz]e)\b",
    re.IGNORECASE)
_EXAMPLE_MARKERS = re.compile(r"\bfor (example|instance)\b|\bsuch as\b", re.IGNORECASE)


def mtld(words: list, threshold: float = MTLD_THRESHOLD) -> float:
    """Measure of Textual Lexical Diversity (McCarthy & Jarvis 2010).

    The mean length of word runs that keep the type-token ratio above
    ``threshold``, averaged over a forward and a backward pass. Unlike the
    plain type-token ratio it does not fall as a text gets longer.
    """
    if not words:
        return 0.0
    return (_mtld_pass(words, threshold) + _mtld_pass(words[::-1], threshold)) / 2


def _mtld_pass(words: list, threshold: float) -> float:
    factors = 0.0
    seen = set()
    run_length = 0
    for word in words:
        seen.add(word)
        run_length += 1
        if len(seen) / run_length <= threshold:
            factors += 1
            seen = set()
            run_length = 0
    if run_length:
        ttr = len(seen) / run_length
        factors += (1 - ttr) / (1 - threshold)
    # A text that never falls below the threshold is maximally diverse for its length.
    return len(words) / factors if factors else float(len(words))


def window_ttr(words: list, window: int = WINDOW_TTR_SIZE) -> float:
    """Moving-average type-token ratio over ``window``-word windows (MATTR)."""
    if len(words) <= window:
        return len(set(words)) / len(words) if words else 0.0
    counts = Counter(words[:window])
    total = len(counts)
    for i in range(window, len(words)):
        leaving, entering = words[i - window], words[i]
        counts[leaving] -= 1
        if counts[leaving] == 0:
            del counts[leaving]
        counts[entering] += 1
        total += len(counts)
    return total / (len(words) - window + 1) / window


def linking_usage(text: str, word_count: int) -> dict:
    """Counts of each linking device used, and the ones used too often."""
    counts = Counter(m.group(1).lower() for m in lexicon.LINKER_PATTERN.finditer(text))
    overused = {}
    for linker, count in counts.items():
        # A formal connective repeated more than about once per 100 words reads
        # as mechanical; basic ones (but, so, also) are allowed more.
        limit = (5 + word_count / 100) if linker in lexicon.BASIC_LINKERS else (2 + word_count / 150)
        if count > limit:
            overused[linker] = count
    return {"counts": dict(counts), "overused": overused}


def prompt_overlap(words: list, prompt: str | None) -> float:
    """Share of the prompt's content words that the answer uses (0..1)."""
    if not prompt:
        return math.nan
    prompt_words = {w.lower() for w in re.findall(r"[A-Za-z]+", prompt)
                    if len(w) >= CONTENT_WORD_MIN_LENGTH and w.lower() not in lexicon.ENGLISH_FUNCTION_WORDS}
    if not prompt_words:
        return math.nan
    answer_stems = {w[:5] for w in words}
    return sum(1 for w in prompt_words if w[:5] in answer_stems) / len(prompt_words)


def writing_features(doc: Document, word_count: int, min_words: int, task_number: int,
                     prompt: str | None) -> tuple:
    """Numeric features (``values``) and quotable evidence (``evidence``) of an essay."""
    words = doc.words
    n_words = max(1, len(words))
    sentence_lengths = [n for n in doc.sentence_words if n] or [0]
    n_sentences = len(sentence_lengths)
    mean_sentence = sum(sentence_lengths) / n_sentences
    sd_sentence = math.sqrt(sum((n - mean_sentence) ** 2 for n in sentence_lengths) / n_sentences)

    slips = spelling.check(doc.sentences)
    wrong = [slip for slip in slips if slip.kind == "spelling"]
    lowercase_names = [slip for slip in slips if slip.kind == "capitalisation"]
    distinct = set(words)
    # Less common words the learner spelled correctly: examiners' "less common
    # lexical items" (Lexical Resource band 7+).
    advanced = [w for w in distinct if len(w) >= 6 and 0 < lexicon.zipf(w) < RARE_WORD_ZIPF
                and lexicon.rarity_zipf(w) < RARE_WORD_ZIPF and spelling.is_spelled_right(w)
                and w not in lexicon.LINKERS]
    zipfs = [lexicon.zipf(w) for w in words if len(w) >= CONTENT_WORD_MIN_LENGTH]
    known_zipfs = [z for z in zipfs if z > 0]
    linking = linking_usage(doc.raw, word_count)
    grammar = analyse_grammar(doc)
    slips = (len(grammar["slips"]) + grammar["lowercase_i"] + grammar["lowercase_sentence_starts"]
             + len(lowercase_names))
    overlap = prompt_overlap(words, prompt)
    moves = task_moves(doc.raw, task_number)
    per_100 = 100 / n_words
    length_ratio = word_count / min_words

    values = {
        "task2": float(task_number == 2),
        "log_words": math.log(max(word_count, 1)),
        "length_ratio": min(length_ratio, 2.0),
        "under_length": max(0.0, 1 - length_ratio),
        "spelling_error_rate": len(wrong) * per_100,
        "mean_word_length": sum(len(w) for w in words) / n_words,
        "long_word_share": sum(1 for w in words if len(w) >= 7) / n_words,
        "mtld": min(mtld(words), 200.0),
        "window_ttr": window_ttr(words),
        "mean_zipf": sum(known_zipfs) / len(known_zipfs) if known_zipfs else 0.0,
        "rare_word_share": sum(1 for z in known_zipfs if z < RARE_WORD_ZIPF) / max(1, len(zipfs)),
        "log_distinct_words": math.log(max(1, len(distinct))),
        "advanced_words": float(len(advanced)),
        "unlisted_word_rate": sum(1 for w in words if lexicon.zipf(w) == 0) * per_100,
        "function_word_share": sum(1 for w in words if w in lexicon.ENGLISH_FUNCTION_WORDS) / n_words,
        "sentence_count": float(n_sentences),
        "mean_sentence_length": mean_sentence,
        "sentence_length_sd": sd_sentence,
        "linkers_distinct": float(len(linking["counts"])),
        "linker_rate": sum(linking["counts"].values()) * per_100,
        "linkers_overused": float(len(linking["overused"])),
        "paragraphs": float(min(len(doc.paragraphs), 8)),
        # Without a prompt, assume typical relevance (the training mean is ~0.46).
        "prompt_overlap": 0.5 if math.isnan(overlap) else overlap,
        "grammar_slip_rate": slips * per_100,
        "run_on_sentences": float(len(grammar["run_on_sentences"])),
        "punctuation_spacing_rate": grammar["punctuation_spacing"] * per_100,
        "complex_sentence_share": grammar["complex_sentences"] / n_sentences,
        "comma_rate": doc.raw.count(",") / n_sentences,
        "number_rate": len(NUMBER_PATTERN.findall(doc.raw)) * per_100,
        "task_markers": float(sum(moves.values())),
    }
    evidence = {
        "misspellings": wrong,
        "lowercase_names": lowercase_names,
        "advanced_words": sorted(advanced, key=lambda w: (lexicon.zipf(w), w))[:8],
        "linking": linking,
        "grammar": grammar,
        "prompt_overlap": None if math.isnan(overlap) else overlap,
        "task_moves": moves,
        "paragraph_count": len(doc.paragraphs),
        "sentence_count": n_sentences,
    }
    return values, evidence


def task_moves(text: str, task_number: int) -> dict:
    """Which moves the task asks for the answer makes.

    Task 1: an overview and data language (trends, comparisons). Task 2: a
    clear position, a conclusion and examples.
    """
    if task_number == 1:
        return {"overview": bool(_OVERVIEW_MARKERS.search(text)),
                "data_language": len(_TASK1_DATA_WORDS.findall(text)) >= 5}
    return {"position": bool(_POSITION_MARKERS.search(text)),
            "conclusion": bool(_CONCLUSION_MARKERS.search(text)),
            "examples": bool(_EXAMPLE_MARKERS.search(text))}


def analyse_essay(task_type: str, text: str, prompt: str | None) -> tuple:
    """Parse an essay and compute its features: (values, evidence, document)."""
    doc = parse(text)
    word_count = count_words(text)
    values, evidence = writing_features(doc, word_count, MIN_WORDS[task_type],
                                        1 if task_type == "writing_task_1" else 2, prompt)
    evidence["word_count"] = word_count
    evidence["min_words"] = MIN_WORDS[task_type]
    return values, evidence, doc
