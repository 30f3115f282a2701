"""Judge the built-in scorer on the sealed corpus in bench/judging/ (never tuned on).

Usage: python bench/judge_scorer.py [--json] [--corpus DIR]   (DIR defaults to bench/judging)

Checks the corpus against its SHA256SUMS first, then prints:
  * the graded ladder: MAE, bias, the band-4 and band-9 essays, inversions within a prompt;
  * each attack against its honest version and its stated caps;
  * criterion independence: the criteria each one-change pair must not move;
  * speaking: no band where none should be given, caps on padding and off-topic talks, honest order;
  * grammar recall and precision on the annotated learner essays (bench/grammar_recall.py).
Read bench/judging/README.md for what each file holds and why it must not be used for tuning.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "judging"
sys.path.insert(0, str(ROOT))

from ielts_rq.scoring import score  # noqa: E402

CRITERIA = ("task_response", "coherence_cohesion", "lexical_resource", "grammatical_range_accuracy")
# The scorer's speaking criteria have other names; the corpus gives only overall speaking bands.
BAND_CAPS = ("band_max", "expected_band_max")


def rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (CORPUS / name).read_text().splitlines() if line.strip()]


def check_seal() -> None:
    """Refuse to judge on a corpus that changed since it was sealed."""
    for line in (CORPUS / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        if hashlib.sha256((CORPUS / name.lstrip("*")).read_bytes()).hexdigest() != digest:
            sys.exit(f"{CORPUS}/{name} does not match SHA256SUMS: the sealed corpus was changed")


def scored(text: str, question: str | None, task_type: str = "writing_task_2") -> dict:
    result = score(task_type, text, question)
    bands = {c["criterion"]: c["band_score"] for c in result["criteria_scores"]}
    rejected = (result.get("feature_analysis") or {}).get("rejected")
    return {"overall": result["overall_band_score"], "rejected": rejected, **bands}


def judge_ladder(questions: dict) -> tuple[dict, dict]:
    ladder = rows("ladder.jsonl")
    results = {row["id"]: scored(row["text"], questions[row["prompt_id"]]) for row in ladder}
    errors = [results[row["id"]]["overall"] - row["band"] for row in ladder]
    inversions, big_inversions = [], []
    for a, b in itertools.combinations(ladder, 2):
        if a["prompt_id"] != b["prompt_id"] or a["band"] == b["band"]:
            continue
        low, high = sorted((a, b), key=lambda row: row["band"])
        gap = results[low["id"]]["overall"] - results[high["id"]]["overall"]
        if gap > 0:
            inversions.append(f"{high['id']} < {low['id']}")
        if gap >= 1.0:
            big_inversions.append(f"{high['id']} < {low['id']} by {gap}")
    summary = {
        "essays": len(ladder),
        "mae": round(statistics.mean(abs(e) for e in errors), 3),
        "bias": round(statistics.mean(errors), 3),
        "band_4": {r["id"]: results[r["id"]]["overall"] for r in ladder if r["band"] == 4},
        "band_9": {r["id"]: results[r["id"]]["overall"] for r in ladder if r["band"] == 9},
        "inversions": inversions,
        "inversions_of_a_band_or_more": big_inversions,
        "per_essay": {r["id"]: (r["band"], results[r["id"]]["overall"]) for r in ladder},
    }
    return summary, results


def judge_attacks(questions: dict, ladder_results: dict) -> dict:
    outcome = {}
    for row in rows("attacks.jsonl"):
        got = scored(row["text"], questions[row["prompt_id"]])
        honest = ladder_results[row["honest_id"]]["overall"]
        failures = []
        if got["overall"] > honest:
            failures.append(f"{got['overall']} above honest {row['honest_id']} {honest}")
        caps = {"band_max": row.get("expected_band_max"), **(row.get("expected") or {})}
        for key, cap in caps.items():
            if cap is None or not key.endswith("_max"):
                continue
            field = "overall" if key == "band_max" else key.removesuffix("_max")
            if got.get(field) is not None and got[field] > cap:
                failures.append(f"{field} {got[field]} over cap {cap}")
        outcome[row["id"]] = {"kind": row["kind"], "overall": got["overall"], "honest": honest,
                              "task_response": got.get("task_response"), "failures": failures}
    by_kind: dict = {}
    for result in outcome.values():
        by_kind.setdefault(result["kind"], []).append(not result["failures"])
    return {"passed": sum(not r["failures"] for r in outcome.values()), "attacks": len(outcome),
            "passed_by_kind": {kind: f"{sum(ok)}/{len(ok)}" for kind, ok in sorted(by_kind.items())},
            "failures": {key: r["failures"] for key, r in outcome.items() if r["failures"]}}


def judge_pairs() -> dict:
    outcome = {}
    for row in rows("criteria_pairs.jsonl"):
        base, variant = scored(row["base_text"], None), scored(row["variant_text"], None)
        moved = {c: variant[c] - base[c] for c in CRITERIA if variant.get(c) != base.get(c)}
        wrong = {c: d for c, d in moved.items() if c in row["expected"].get("must_not_move", []) and abs(d) > 0.5}
        outcome[row["id"]] = {"change": row["change"][:60], "moved": moved, "must_not_move_but_did": wrong}
    return {"held": sum(not r["must_not_move_but_did"] for r in outcome.values()), "pairs": len(outcome),
            "per_pair": outcome}


def judge_speaking() -> dict:
    outcome, honest = {}, []
    for row in rows("speaking.jsonl"):
        got = scored(row["transcript"], row["prompt"], "speaking_part_2")
        band = None if got["rejected"] else got["overall"]
        expected, failures = row["expected"], []
        if expected.get("no_band") and band is not None:
            failures.append(f"band {band} given where none should be")
        if expected.get("band_max") is not None and band is not None and band > expected["band_max"]:
            failures.append(f"band {band} over cap {expected['band_max']}")
        if row["kind"] == "honest":
            honest.append((row["prompt"], row["band"], band, row["id"]))
        outcome[row["id"]] = {"kind": row["kind"], "expected": row["band"], "band": band, "failures": failures}
    order = []
    for a, b in itertools.combinations(honest, 2):
        if a[0] == b[0] and a[1] != b[1] and None not in (a[2], b[2]):
            low, high = sorted((a, b), key=lambda item: item[1])
            if high[2] < low[2]:
                order.append(f"{high[3]} ({high[2]}) < {low[3]} ({low[2]})")
    return {"failures": {key: r["failures"] for key, r in outcome.items() if r["failures"]},
            "honest_out_of_order": order,
            "honest_mae": round(statistics.mean(abs(b - e) for _, e, b, _ in honest if b is not None), 3),
            "per_answer": {key: (r["expected"], r["band"]) for key, r in outcome.items()}}


def judge_grammar() -> dict | str:
    try:
        from bench import grammar_recall
    except ImportError:
        return "bench/grammar_recall.py is not there"
    counts = grammar_recall.measure(rows("learner_errors.jsonl"))
    annotated, found = sum(counts["annotated"].values()), sum(counts["found"].values())
    reported, correct = sum(counts["reported"].values()), sum(counts["correct"].values())
    return {"essays": counts["records"], "errors": annotated, "found": found,
            "recall": round(found / annotated, 3) if annotated else None, "flags": reported, "right": correct,
            "precision": round(correct / reported, 3) if reported else None,
            "recall_by_kind": {kind: f"{counts['found'][kind]}/{n}" for kind, n in sorted(counts["annotated"].items())},
            "precision_by_kind": {kind: f"{counts['correct'][kind]}/{n}"
                                  for kind, n in sorted(counts["reported"].items())}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--corpus", default="bench/judging", help="sealed corpus directory (default bench/judging)")
    options = parser.parse_args(argv)
    global CORPUS
    corpus = Path(options.corpus)
    CORPUS = corpus if corpus.is_absolute() or corpus.is_dir() else ROOT / corpus
    if not (CORPUS / "SHA256SUMS").is_file():
        sys.exit(f"{options.corpus}: not a sealed corpus (no SHA256SUMS there)")
    check_seal()
    questions = {row["id"]: row["question"] for row in rows("prompts.jsonl")}
    ladder, ladder_results = judge_ladder(questions)
    report = {"ladder": ladder, "attacks": judge_attacks(questions, ladder_results), "criteria_pairs": judge_pairs(),
              "speaking": judge_speaking(), "grammar": judge_grammar()}
    if options.json:
        print(json.dumps(report, indent=2))
    else:
        for section, figures in report.items():
            print(f"== {section}")
            for key, value in (figures.items() if isinstance(figures, dict) else [("", figures)]):
                print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
