"""Build the scorer's within-paragraph sentence-order table (``ielts_rq/scoring/data/paragraph_order.json.gz``).

Usage: python bench/build_paragraph_order.py SCORED_CSV [UNSCORED_CSV]

For each sentence of learners' paragraphed essays: its cues (``ordering.cues``: opening words and discourse
markers) against where it stands in its paragraph (first, middle, last) in an introduction, a body paragraph
or a conclusion. Only the counts' log-likelihoods are written, not the essays. ``--check`` instead fits on
the unscored answers and reports, on the calibration essays, how the score of each essay compares with the
same essay with the sentences shuffled inside each paragraph.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ielts_rq.scoring import ordering
from ielts_rq.scoring.text import normalise, split_paragraphs, split_sentences

MIN_COUNT = 3
ALPHA = 0.5


def paragraphed(path: str, column: str, task_column: str | None = None) -> list[list[list[str]]]:
    """Essays of three paragraphs or more, as paragraphs of sentences."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if task_column is None or r[task_column] == "2"]
    essays = []
    for row in rows:
        paragraphs = [split_sentences(p) for p in split_paragraphs(normalise(row[column]))]
        if len(paragraphs) >= 3:
            essays.append(paragraphs)
    return essays


def table(essays: list) -> dict:
    classes = ordering.PARAGRAPH_CLASSES
    totals, counts = Counter(), defaultdict(Counter)
    for paragraphs in essays:
        for index, sentences in enumerate(paragraphs):
            for position, sentence in enumerate(sentences):
                label = ordering.paragraph_class(index, len(paragraphs), position, len(sentences))
                if label is None:
                    continue
                totals[label] += 1
                for cue in ordering.paragraph_cues(sentence):
                    counts[cue][label] += 1
    total = sum(totals.values())
    log_prior = [round(math.log((totals[c] + ALPHA) / (total + ALPHA * classes)), 4) for c in range(classes)]
    log_likelihood = {}
    for cue, seen in counts.items():
        if sum(seen.values()) < MIN_COUNT:
            continue
        overall = (sum(seen.values()) + ALPHA * classes) / (total + 2 * ALPHA * classes)
        log_likelihood[cue] = [round(math.log((seen[c] + ALPHA) / (totals[c] + 2 * ALPHA)) - math.log(overall), 4)
                               for c in range(classes)]
    return {"log_prior": log_prior, "log_likelihood": log_likelihood}


def shuffled(paragraphs: list, seed: int) -> list:
    rng = random.Random(seed)
    out = []
    for sentences in paragraphs:
        sentences = list(sentences)
        rng.shuffle(sentences)
        out.append(sentences)
    return out


def check(scored: list, unscored: list) -> None:
    t = table(unscored)
    honest = sorted(ordering.paragraph_order(p, t) for p in scored)
    mixed = [ordering.paragraph_order(shuffled(p, seed), t) for p in scored for seed in range(3)]
    for share in (0.005, 0.01, 0.02):
        threshold = honest[int(share * len(honest))]
        caught = sum(1 for m in mixed if m < threshold) / len(mixed)
        print(f"honest below {threshold:.3f}: {share:.1%}; shuffled inside paragraphs below it: {caught:.1%}")
    print(f"honest below {ordering.PARAGRAPH_DISORDERED_BELOW}: "
          f"{sum(h < ordering.PARAGRAPH_DISORDERED_BELOW for h in honest) / len(honest):.2%}; shuffled: "
          f"{sum(m < ordering.PARAGRAPH_DISORDERED_BELOW for m in mixed) / len(mixed):.1%}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("scored")
    parser.add_argument("unscored", nargs="?")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    scored = paragraphed(args.scored, "Essay", "Task_Type")
    unscored = paragraphed(args.unscored, "paragraph") if args.unscored else []
    if args.check:
        check(scored, unscored)
        return 0
    with gzip.open(ordering.PARAGRAPH_TABLE_PATH, "wt", encoding="utf-8") as handle:
        json.dump(table(scored + unscored), handle, separators=(",", ":"))
    print(f"{len(scored) + len(unscored)} essays -> {ordering.PARAGRAPH_TABLE_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
