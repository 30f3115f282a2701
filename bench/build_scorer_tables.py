"""Build the scorer's language tables from essay corpora: word order, sentence order, relevance, genre, foreign words.

Usage: python bench/build_scorer_tables.py SCORED_CSV [UNSCORED_CSV]

SCORED_CSV has the columns Task_Type, Question, Essay (the calibration set);
UNSCORED_CSV the columns question, paragraph (answers with their questions).
Only counts, weights and vectors are written to ielts_rq/scoring/data/; the
essays are not. The tokenisers are the scorer's own, so the tables and the
scorer read text the same way.

Needs numpy, scipy and scikit-learn (building only; the scorer needs none of them).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ielts_rq.scoring import ordering, relevance, wordorder
from ielts_rq.scoring.text import normalise, split_sentences

DATA = Path(__file__).resolve().parents[1] / "ielts_rq" / "scoring" / "data"
VECTOR_DIMENSIONS = 64
VECTOR_WINDOW = 4
VECTOR_MIN_COUNT = 5
VECTOR_MAX_STEMS = 12_000
ORDER_MIN_COUNT = 3
ORDER_ALPHA = 0.5
FOREIGN_LANGUAGES = ("es", "fr", "de", "it", "pt", "nl", "id", "vi", "tr", "pl", "ms")
FOREIGN_WORDS_PER_LANGUAGE = 4000


def read_corpora(scored: str, unscored: str | None) -> list[dict]:
    """Every distinct answer with its question and task number (2 for the unscored answers)."""
    csv.field_size_limit(10 ** 8)
    essays, seen = [], set()
    with open(scored, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            essays.append({"task": int(row["Task_Type"]), "question": row["Question"], "text": row["Essay"],
                           "scored": True})
    if unscored:
        with open(unscored, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                essays.append({"task": 2, "question": row["question"], "text": row["paragraph"], "scored": False})
    unique = []
    for essay in essays:
        key = " ".join(essay["text"].split())
        if key not in seen:
            seen.add(key)
            essay["text"] = normalise(essay["text"])
            unique.append(essay)
    return unique


def word_order_table(essays: list[dict]) -> dict:
    grams = Counter()
    for essay in essays:
        for sentence in split_sentences(essay["text"]):
            sequence = wordorder.classes(sentence)
            if not sequence:
                continue
            padded = [wordorder.BEGIN] * (wordorder.ORDER - 1) + sequence + [wordorder.END]
            for i in range(wordorder.ORDER - 1, len(padded)):
                for k in range(1, wordorder.ORDER + 1):
                    grams[" ".join(padded[i - k + 1:i + 1])] += 1
    return {"grams": dict(grams)}


def sentence_order_table(essays: list[dict]) -> dict:
    counts, prior = defaultdict(Counter), Counter()
    for essay in essays:
        sentences = [s.lower() for s in split_sentences(essay["text"])]
        if len(sentences) < 3:
            continue
        for index, sentence in enumerate(sentences):
            position = ordering.position_bin(index, len(sentences))
            prior[position] += 1
            for cue in ordering.cues(sentence):
                counts[cue][position] += 1
    total = sum(prior.values())
    bins = range(ordering.BINS)
    log_likelihood = {}
    for cue, by_bin in counts.items():
        seen = sum(by_bin.values())
        if seen >= ORDER_MIN_COUNT:
            log_likelihood[cue] = [round(math.log((by_bin[b] + ORDER_ALPHA) / (prior[b] + 2 * ORDER_ALPHA))
                                         - math.log((seen + ORDER_ALPHA * ordering.BINS)
                                                    / (total + 2 * ORDER_ALPHA * ordering.BINS)), 4) for b in bins]
    return {"log_prior": [math.log(prior[b] / total) for b in bins], "log_likelihood": log_likelihood}


def relevance_table(essays: list[dict]) -> dict:
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import svds

    answers = [relevance.content_stems(e["text"]) for e in essays]
    questions = [relevance.content_stems(q) for q in {e["question"] for e in essays}]
    documents = answers + questions
    document_frequency = Counter(s for d in documents for s in set(d))
    idf = {s: round(math.log((len(documents) + 1) / (c + 1)) + 1, 4) for s, c in document_frequency.items() if c >= 2}
    counts = Counter(s for d in answers for s in d)
    vocabulary = [s for s, c in counts.most_common(VECTOR_MAX_STEMS) if c >= VECTOR_MIN_COUNT]
    index = {s: i for i, s in enumerate(vocabulary)}
    rows, cols = [], []
    for stems in answers:
        ids = [index.get(s, -1) for s in stems]
        for i, a in enumerate(ids):
            for b in ids[i + 1:i + 1 + VECTOR_WINDOW]:
                if a >= 0 and b >= 0 and a != b:
                    rows += [a, b]
                    cols += [b, a]
    size = len(vocabulary)
    cooccurrence = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(size, size)).tocsr().tocoo()
    total = cooccurrence.sum()
    row_sums = np.asarray(cooccurrence.tocsr().sum(1)).ravel()
    context = row_sums ** 0.75 / (row_sums ** 0.75).sum()
    pmi = np.log(cooccurrence.data / total / (row_sums[cooccurrence.row] / total) / context[cooccurrence.col])
    keep = pmi > 0
    ppmi = coo_matrix((pmi[keep], (cooccurrence.row[keep], cooccurrence.col[keep])), shape=(size, size)).tocsr()
    u, s, _ = svds(ppmi, k=VECTOR_DIMENSIONS, random_state=0)
    vectors = u * np.sqrt(s)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    table = {"dimensions": VECTOR_DIMENSIONS, "idf": idf, "default_idf": round(math.log(len(documents) + 1) + 1, 4),
             "vectors": {stem: [int(x) for x in np.round(vectors[i] * 127)] for stem, i in index.items()}}
    table["bank"] = {str(task): _question_bank(table, {e["question"] for e in essays if e["task"] == task})
                     for task in (1, 2)}
    table["genre"] = _genre_model(essays)
    return table


def _question_bank(table: dict, questions: set) -> dict:
    """Mean and covariance of questions' centroids: what 'about any question of this task' looks like."""
    centroids = np.array([_centroid(relevance.content_stems(q), table) for q in questions])
    centroids = centroids[np.linalg.norm(centroids, axis=1) > 0]
    return {"mean": [round(float(x), 6) for x in centroids.mean(0)],
            "covariance": [[round(float(x), 7) for x in row] for row in np.cov(centroids.T)]}


def _centroid(stems: list[str], table: dict) -> np.ndarray:
    """As relevance._centroid, on a table not yet written: the IDF-weighted mean vector, normalised."""
    total = np.zeros(table["dimensions"])
    for s in stems:
        if s in table["vectors"]:
            total += table["idf"].get(s, table["default_idf"]) * np.array(table["vectors"][s])
    norm = np.linalg.norm(total)
    return total / norm if norm else total


def _genre_model(essays: list[dict]) -> dict:
    from sklearn.linear_model import LogisticRegression

    scored = [e for e in essays if e["scored"]]  # the unscored set mixes a few Task 1 answers in
    rates = np.log1p(np.array([[100.0 * len(p.findall(e["text"].lower())) / max(1, len(e["text"].split()))
                                for p in relevance.GENRE_PATTERNS.values()] for e in scored]))
    model = LogisticRegression(max_iter=1000).fit(rates, [e["task"] == 1 for e in scored])
    return {"coefficients": [round(float(c), 5) for c in model.coef_[0]], "intercept": round(float(model.intercept_[0]), 5)}


def foreign_words() -> list[str]:
    """Common words of other languages that English lacks (ASCII only: accented words are judged directly)."""
    import wordfreq

    words = set()
    for code in FOREIGN_LANGUAGES:
        taken = 0
        for word, frequency in wordfreq.get_frequency_dict(code, wordlist="best").items():
            if taken >= FOREIGN_WORDS_PER_LANGUAGE or math.log10(frequency) + 9 < 3.5:
                break
            if word.isascii() and word.isalpha() and len(word) >= 2 and wordfreq.zipf_frequency(word, "en") < 2.5:
                words.add(word)
                taken += 1
    return sorted(words)


def write_json(name: str, table: dict) -> None:
    path = DATA / name
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
        json.dump(table, handle, separators=(",", ":"), sort_keys=True)
    print(f"{path.name}: {path.stat().st_size:,} bytes")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scored_csv")
    parser.add_argument("unscored_csv", nargs="?")
    options = parser.parse_args(argv)
    essays = read_corpora(options.scored_csv, options.unscored_csv)
    print(f"{len(essays):,} distinct answers")
    write_json("word_order.json.gz", word_order_table(essays))
    write_json("sentence_order.json.gz", sentence_order_table(essays))
    write_json("relevance.json.gz", relevance_table(essays))
    path = DATA / "foreign_words.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write("\n".join(foreign_words()))
    print(f"{path.name}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
