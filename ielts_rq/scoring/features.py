"""Text features the IELTS writing descriptors point to.

``writing_features`` returns two things: ``values``, a flat dict of numbers
the model uses, and ``evidence``, the concrete words and sentences feedback
quotes back to the learner.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from . import lexicon, meaning, ordering, relevance, spelling, templates, wordorder
from .grammar import analyse_grammar
from .originality import (COPY_SHARE, EMPTY_ALLOWANCE, RESTATED_MIN_COUNT, RESTATED_SHARE, before_restatement,
                          empty_sentences, mask_copied, own_text, question_copies, restated_sentences,
                          restated_share)
from .rules import MIN_WORDS
from .text import NUMBER_PATTERN, Document, parse, split_paragraphs, split_sentences

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
    r"\b(i (strongly |completely |partly |totally |firmly )?(believe|think|agree|disagree|feel|maintain|contend)|"
    r"i would (argue|contend|maintain|suggest)|i am (convinced|persuaded|of the (view|opinion))|"
    r"i take the view|in my (view|opinion)|from my (perspective|point of view)|my (own )?view is|"
    r"(it is|it's) my (view|belief|opinion)|this essay (will )?argues?)\b", re.IGNORECASE)
_CONCLUSION_MARKERS = re.compile(
    r"\b(in conclusion|to conclude|to sum up|in summary|all in all|to summari[sz]e|in short|in sum|"
    r"on balance|all things considered|taking (everything|all this|all these points) into account|"
    r"overall, (i|it|the|there|both|while))\b",
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
                     prompt: str | None, written: Document | None = None) -> tuple:
    """Numeric features (``values``) and quotable evidence (``evidence``) of an essay.

    ``doc`` is the text the learner meant (misspellings corrected), ``written`` the text as written:
    only the spelling features read the latter, so typos move Lexical Resource and nothing else.
    """
    written = written or doc
    words = doc.words
    n_words = max(1, len(words))
    sentence_lengths = [n for n in doc.sentence_words if n] or [0]
    n_sentences = len(sentence_lengths)
    mean_sentence = sum(sentence_lengths) / n_sentences
    sd_sentence = math.sqrt(sum((n - mean_sentence) ** 2 for n in sentence_lengths) / n_sentences)

    slips = spelling.check(written.sentences)
    wrong = [slip for slip in slips if slip.kind == "spelling"]
    lowercase_names = [slip for slip in slips if slip.kind == "capitalisation"]
    distinct = set(words)
    # Less common words the learner spelled correctly: examiners' "less common
    # lexical items" (Lexical Resource band 7+).
    # Words lifted from the question are the question's vocabulary, not the learner's.
    question_words = {w.lower() for w in re.findall(r"[A-Za-z]+", prompt or "")}
    advanced = [w for w in distinct - question_words if len(w) >= 6 and 0 < lexicon.zipf(w) < RARE_WORD_ZIPF
                and lexicon.rarity_zipf(w) < RARE_WORD_ZIPF and spelling.is_spelled_right(w)
                and w not in lexicon.LINKERS]
    zipfs = [lexicon.zipf(w) for w in words if len(w) >= CONTENT_WORD_MIN_LENGTH]
    known_zipfs = [z for z in zipfs if z > 0]
    linking = linking_usage(doc.raw, word_count)
    grammar = analyse_grammar(doc)
    slips = (len(grammar["slips"]) + grammar["lowercase_i"] + grammar["lowercase_sentence_starts"]
             + len(lowercase_names))
    overlap = prompt_overlap(mask_copied(doc.raw, prompt).split(), prompt)
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
        "unlisted_word_rate": sum(1 for w in written.words if lexicon.zipf(w) == 0) * 100 / max(1, len(written.words)),
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
    """The learner's own text parsed, its features and the evidence: (values, evidence, document).

    Copied, repeated and foreign sentences are set aside first (``originality``), so nothing about
    them is counted; the signals the descriptors read (``descriptors``) are added to the evidence.
    """
    task_number = 1 if task_type == "writing_task_1" else 2
    essay = task_number == 2  # Task 1 reports are formulaic by design: these checks read essays only
    layout = layout_evidence(text)
    if essay and layout["notes"]:  # measured as the prose it stands for: the line breaks earn nothing
        text = prose_from_notes(text)
    own = own_text(text, prompt)
    written_text = own.text
    recited = templates.recited_phrases(written_text) if essay else []
    if recited:  # a chain of idioms is recited, not written: it earns no length, vocabulary or cohesion
        written_text = templates.without_recited(written_text)
        own.words -= len(own.text.split()) - len(written_text.split())
    misfits = out_of_register_words(written_text, prompt) if essay else []
    if misfits:  # words from a thesaurus, not the learner's vocabulary: no credit for their rarity
        written_text = _without_words(written_text, misfits)
        own.words -= sum(1 for w in _WORD.findall(own.text.lower()) if w in set(misfits))
    as_padded = written_text  # the novelty of the second half is judged on the answer as it was padded
    restated = restated_sentences(written_text) if essay else []
    if len(restated) >= RESTATED_MIN_COUNT and restated_share(written_text, restated) >= RESTATED_SHARE:
        # A reworded copy pasted after the answer adds no length or idea: it is set aside whole. Restated
        # sentences inside an answer stay (honest answers restate in places); they cost Task Response and
        # Coherence instead.
        pasted_copy = restated_share(written_text, restated) >= COPY_SHARE
        copy = before_restatement(written_text, restated) if pasted_copy else None
        if copy:
            own.words -= len(written_text.split()) - len(copy.split())
            written_text = copy
    else:
        restated, copy = [], None
    empty_words = sum(len(_WORD.findall(s.lower())) for s in empty_sentences(written_text, prompt)) if essay else 0
    own.words -= max(0, empty_words - int(EMPTY_ALLOWANCE * own.words))  # sentences without a new idea add no length
    novelty = second_half_novelty(relevance.content_stems(mask_copied(as_padded, prompt)))
    if essay and novelty is not None and novelty < PADDED_NOVELTY:  # the second half says the first again:
        own.words = min(own.words, len(as_padded.split()) // 2)  # only the first counts towards the length
    doc = parse(written_text)
    mechanical = _mechanical_linking(doc)
    if mechanical:  # a connective stuffed onto every sentence earns no credit for cohesion or length
        doc = parse(_without_opening_linkers(written_text))
        own.words -= mechanical
    written = doc
    meant = spelling.corrected(doc.raw, spelling.check(doc.sentences))
    if meant != doc.raw:  # every criterion but Lexical Resource reads the text the learner meant
        doc = parse(meant)
    own_words = mask_copied(doc.raw, prompt)  # the learner's own words, the question's set aside
    topic = relevance.content_stems(own_words)  # the learner's own topic words
    topic_score = relevance.relevance(topic, prompt, task_number) if prompt else None
    key_terms = relevance.key_terms_used(topic, prompt) if prompt else None
    values, evidence = writing_features(doc, own.words, MIN_WORDS[task_type], task_number, prompt, written)
    if essay and (layout["notes"] or layout["sentence_lines"]):
        values["paragraphs"] = 1.0  # line breaks between notes or single sentences are not paragraphs
    _quote_as_written(evidence["grammar"], doc, written)
    slipped = {slip.sentence for slip in evidence["grammar"]["slips"]}
    order = ordering.order_score(list(doc.sentences))
    evidence.update(
        word_count=own.words,
        min_words=MIN_WORDS[task_type],
        originality=own,
        sentences=written.sentences,  # quoted back as the learner wrote them
        word_order=wordorder.plausibility(doc.sentences),
        sentence_order=order,
        displacement=ordering.displacement([split_sentences(p) for p in doc.paragraphs], order) if essay else None,
        paragraph_order=ordering.paragraph_order([split_sentences(p) for p in doc.paragraphs]) if essay else None,
        question_copies=question_copies(text, own, prompt) if essay and prompt else [],
        relevance=topic_score,
        key_terms_used=key_terms,
        question_fit=(meaning.fit(own_words, topic, prompt, topic_score, key_terms)
                      if prompt and task_number == 2 else None),
        missing_terms=meaning.missing_terms(topic, prompt) if prompt else [],
        template=templates.template_evidence(own.text, prompt),
        second_half_novelty=novelty,
        layout=layout,
        recited=recited,
        restated=restated,
        restated_copy=bool(copy),
        thesaurus=misfits,
        task1_probability=relevance.task1_probability(own.text),
        error_sentence_share=len(slipped) / max(1, len(doc.sentences)),
        linker_opening_share=max(linker_openings(doc.sentences), mechanical) / max(1, len(doc.sentences)),
    )
    return values, evidence, doc


# An answer whose second half says again what the first said, in other words, brings few topic words
# the first half had not used. Among the calibration set's Task 2 essays the share of new topic stems
# in the second half is 0.76 at the median and 0.56 at the 1st percentile, and no essay of
# PADDED_MIN_STEMS topic words or more falls below PADDED_NOVELTY; answers padded with a reworded
# copy of themselves have about 0.52.
PADDED_NOVELTY = 0.54
PADDED_MIN_STEMS = 150


def second_half_novelty(stems: list) -> float | None:
    """Share of the second half's distinct topic stems not already used in the first half (None: too short)."""
    if len(stems) < PADDED_MIN_STEMS:
        return None
    half = len(stems) // 2
    first, second = set(stems[:half]), set(stems[half:])
    return len(second - first) / max(1, len(second))


# Task 2 asks for continuous prose in paragraphs. Notes (list items and headings, one a line) and an answer
# that puts every sentence on its own line have no paragraphing however many line breaks they have. On the
# calibration set's Task 2 essays the share of words in list items or headings is 0 at the 99th percentile;
# 4 essays of 793 have paragraphs averaging under 1.3 sentences over 6 or more paragraphs.
LIST_ITEM = re.compile(r"^\s*(?:[-*\u2022\u2023\u25aa\u25cf\u25e6\u2043\u2013\u2014\u00b7>+\u2192\u27a2\u2714\u2713]+"
                       r"|\(?\d{1,2}[.):]|\(?[a-hA-H][.)]|[ivx]{1,4}[.)])\s+")
HEADING_MAX_WORDS = 6
NOTES_SHARE = 0.3
LINE_PER_SENTENCE_MIN_PARAGRAPHS = 6
LINE_PER_SENTENCE_MEAN = 1.3


def layout_evidence(text: str) -> dict:
    """How much of the answer is notes rather than prose, and whether its paragraphs are single sentences.

    ``notes_share``: words in lines that are list items ("- ...", "1. ...", "a) ...") or short headings
    ("Advantages:", a line of a few words without a full stop). ``sentence_lines``: six or more
    paragraphs averaging under 1.3 sentences: line breaks, not paragraphs.
    """
    lines = split_paragraphs(text)
    words = [len(line.split()) for line in lines]
    listed = sum(n for line, n in zip(lines, words) if LIST_ITEM.match(line) or (
        n <= HEADING_MAX_WORDS and not re.search(r"[.!?][\"')\]]*$", line)))
    sentences = [len(split_sentences(line)) for line in lines]
    notes_share = listed / max(1, sum(words))
    sentence_lines = (len(lines) >= LINE_PER_SENTENCE_MIN_PARAGRAPHS
                      and sum(sentences) / len(lines) < LINE_PER_SENTENCE_MEAN)
    return {"notes_share": notes_share, "notes": notes_share >= NOTES_SHARE,
            "sentence_lines": sentence_lines and notes_share < NOTES_SHARE}


# Rare words that essays (over 3,000 learners' answers, any topic) almost never use: the word vectors of
# ``relevance`` know every word five of them used. An apt rare word can be among them, but a text dense with
# them has been put through a thesaurus (words swapped for rare ones of another sense or register). On the
# calibration set's Task 2 essays such words run to 0.6 per 100 words at the median, 2.8 at the 99.5th
# percentile and 3.5 at most; an essay with a rare word swapped for each ordinary one, 5-6.
THESAURUS_PER_100 = 3.6
THESAURUS_MIN_WORDS = 6
_WORD = re.compile(r"[a-z]+")


def out_of_register_words(text: str, prompt: str | None) -> list[str]:
    """The rare words outside learners' essay vocabulary, when they are so dense that they are stuffed; else []."""
    question = set(_WORD.findall((prompt or "").lower()))
    words = _WORD.findall(text.lower())
    known = relevance.tables()["vectors"]
    rare = sorted({w for w in words if w not in question and len(w) >= 6 and 0 < lexicon.zipf(w) < RARE_WORD_ZIPF
                   and lexicon.rarity_zipf(w) < RARE_WORD_ZIPF and relevance.stem(w) not in known})
    stuffed = len(rare) >= THESAURUS_MIN_WORDS and len(rare) * 100 / max(1, len(words)) >= THESAURUS_PER_100
    return rare if stuffed else []


def _without_words(text: str, dropped: list[str]) -> str:
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, dropped)) + r")\b ?", re.IGNORECASE)
    return pattern.sub("", text)


def prose_from_notes(text: str) -> str:
    """Notes as one block of prose: list markers and headings dropped, each item a sentence."""
    items = []
    for line in split_paragraphs(text):
        item = LIST_ITEM.sub("", line, count=1).strip()
        if len(item.split()) <= HEADING_MAX_WORDS and not re.search(r"[.!?][\"')\]]*$", item):
            continue  # a heading ("Advantages:") labels the notes under it
        items.append(item if re.search(r"[.!?][\"')\]]*$", item) else item.rstrip(",;:") + ".")
    return " ".join(items)


def _quote_as_written(grammar: dict, meant: Document, written: Document) -> None:
    """Point the grammar findings at the sentences as written, so feedback never quotes a corrected text."""
    if meant is written or len(meant.sentences) != len(written.sentences):
        return
    as_written = dict(zip(meant.sentences, written.sentences))
    grammar["slips"] = [slip._replace(sentence=as_written.get(slip.sentence, slip.sentence)) for slip in grammar["slips"]]
    grammar["run_on_sentences"] = [as_written.get(s, s) for s in grammar["run_on_sentences"]]
    if grammar.get("lowercase_start_example"):
        grammar["lowercase_start_example"] = as_written.get(grammar["lowercase_start_example"],
                                                            grammar["lowercase_start_example"])


MECHANICAL_LINKING_SHARE = 0.8  # real essays: 0.4% reach it (99th percentile 0.71); stuffed ones 1.0
MECHANICAL_LINKING_MIN_SENTENCES = 6


def _mechanical_linking(doc) -> int:
    """How many sentences open with a formal connective, when so many do that it is mechanical; else 0."""
    opened = linker_openings(doc.sentences)
    many = len(doc.sentences) >= MECHANICAL_LINKING_MIN_SENTENCES
    return opened if many and opened >= MECHANICAL_LINKING_SHARE * len(doc.sentences) else 0


def _without_opening_linkers(text: str) -> str:
    def strip(sentence: str) -> str:
        match = lexicon.LINKER_PATTERN.match(sentence)
        if not match or match.group(1).lower() not in lexicon.FORMAL_LINKERS:
            return sentence
        rest = sentence[match.end():].lstrip(" ,")
        return rest[:1].upper() + rest[1:]
    return "\n\n".join(" ".join(strip(s) for s in split_sentences(p)) for p in split_paragraphs(text))


def linker_openings(sentences) -> int:
    """How many sentences open with a formal connective ("Moreover, ...", "However, ...")."""
    return sum(1 for sentence in sentences if (match := lexicon.LINKER_PATTERN.match(sentence))
               and match.group(1).lower() in lexicon.FORMAL_LINKERS)
