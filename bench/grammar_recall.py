"""Recall and precision of the grammar checker on learner essays annotated error by error.

Usage: python bench/grammar_recall.py [--file ANNOTATED.jsonl] [--show]

Without --file it measures the project's development sets: the essays of
tests/learner_errors_dev.py and the single learner sentences of
tests/data/grammar/learner_marked.txt and learner_marked_2.txt, each in a "tune" half the rules were
built on and a "heldout" half they never were, and correct trap sentences
(the traps of the essays' set, the unmarked lines of the sentences'). With --file it
measures any JSONL file of records ``{"text": ..., "errors": [{"start",
"end", "kind", ...}]}`` (character offsets into text), e.g. a sealed corpus.

A finding is correct when its words overlap an annotated error; an error is
found when some finding overlaps it, whatever kinds the two name. Recall is
given per annotated kind, precision per kind the checker reported. --show
lists the errors missed and the false alarms.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ielts_rq.scoring import grammar  # noqa: E402


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    if a_start == a_end:  # an annotation of a missing word: a point
        return b_start <= a_start <= b_end
    return a_start < b_end and b_start < a_end


def measure(records: list[dict], show: bool = False) -> dict:
    """Counts per kind: errors annotated and found, findings made and correct."""
    annotated, found, reported, correct = Counter(), Counter(), Counter(), Counter()
    seconds = 0.0
    for record in records:
        text, errors = record["text"], record.get("errors", [])
        started = time.perf_counter()
        findings = grammar.find_errors(text)
        seconds += time.perf_counter() - started
        for error in errors:
            kind = error.get("kind", "unlabelled")
            annotated[kind] += 1
            if any(_overlaps(error["start"], error["end"], f.start, f.end) for f in findings):
                found[kind] += 1
            elif show:
                print(f"  missed  {kind:15} {text[error['start']:error['end']]!r} "
                      f"in {_context(text, error['start'], error['end'])!r}")
        for finding in findings:
            reported[finding.kind] += 1
            if any(_overlaps(e["start"], e["end"], finding.start, finding.end) for e in errors):
                correct[finding.kind] += 1
            elif show:
                print(f"  false   {finding.kind:15} {finding.words!r} ({finding.rule}) "
                      f"in {_context(text, finding.start, finding.end)!r}")
    return {"annotated": annotated, "found": found, "reported": reported, "correct": correct,
            "seconds": seconds, "records": len(records)}


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    return text[max(0, start - width):end + width].replace("\n", " ")


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "  - "


def report(title: str, counts: dict) -> None:
    annotated, found, reported, correct = (counts[k] for k in ("annotated", "found", "reported", "correct"))
    print(f"{title}: {counts['records']} texts, {sum(annotated.values())} errors annotated, "
          f"{sum(reported.values())} findings, {counts['seconds'] * 1000 / max(1, counts['records']):.1f} ms a text")
    print(f"  {'kind':16} {'errors':>6} {'found':>6} {'recall':>6}   {'flags':>6} {'right':>6} {'precision':>9}")
    for kind in sorted(set(annotated) | set(reported)):
        print(f"  {kind:16} {annotated[kind]:6} {found[kind]:6} {_ratio(found[kind], annotated[kind]):>6}   "
              f"{reported[kind]:6} {correct[kind]:6} {_ratio(correct[kind], reported[kind]):>9}")
    total_a, total_f, total_r, total_c = (sum(c.values()) for c in (annotated, found, reported, correct))
    print(f"  {'all':16} {total_a:6} {total_f:6} {_ratio(total_f, total_a):>6}   "
          f"{total_r:6} {total_c:6} {_ratio(total_c, total_r):>9}")


def read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


SENTENCES = ROOT / "tests" / "data" / "grammar" / "learner_marked.txt"
# Written apart from the first file, after its rules: word class, pronouns, prepositions, articles, missing words.
SENTENCES_2 = ROOT / "tests" / "data" / "grammar" / "learner_marked_2.txt"


def marked_sentences(path: Path = SENTENCES) -> list[dict]:
    """The lines of a marked sentence file (split, sentence with ``{wrong=>right|kind}`` marks) as records."""
    from tests.learner_errors_dev import parse_marked

    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        split, marked = line.split("\t", 1)
        text, errors = parse_marked(marked)
        records.append({"id": f"line-{number}", "split": split, "text": text, "errors": errors})
    return records


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", help="an annotated JSONL file to measure instead of the development set")
    parser.add_argument("--show", action="store_true", help="list missed errors and false alarms")
    parser.add_argument("--split", choices=("tune", "heldout"), help="only this half of the development set")
    args = parser.parse_args(argv)
    # loading (the parser, the word tables, the dictionary) is not measured
    grammar.find_errors("Nowadays i think english students who lives here has went to school and buyed many book for the goverment.")
    if args.file:
        report(args.file, measure(read_jsonl(args.file), args.show))
        return
    from tests import learner_errors_dev as dev
    for split in (args.split,) if args.split else ("tune", "heldout"):
        report(f"development set, {split} half", measure(dev.records(split), args.show))
    report("trap sentences (every flag is false)", measure(dev.trap_records(), args.show))
    for label, path in (("learner sentences", SENTENCES), ("learner sentences 2", SENTENCES_2)):
        sentences = marked_sentences(path)
        for split in (args.split,) if args.split else ("tune", "heldout"):
            half = [r for r in sentences if r["split"] == split]
            report(f"{label}, {split} half", measure([r for r in half if r["errors"]], args.show))
            report(f"{label}: correct, {split} half (every flag is false)",
                   measure([r for r in half if not r["errors"]], args.show))
    print(f"kinds checked: {', '.join(grammar.CHECKED_KINDS)}")


if __name__ == "__main__":
    main()
