"""How far the built-in scorer can be trusted: grammar and spelling checks, attacks, the ladder, engine costs.

Usage: python bench/scorer_trust.py [SCORED_CSV [UNSCORED_CSV]]

Prints, from the corpora in tests/ (written for this project):
  * grammar rules: flags on correct sentences, precision and recall per error kind (tuning and held-out sets);
  * spelling: reviewed correct words flagged, planted misspellings caught and corrected;
  * every attack of tests/essays_attacks.py: the honest and the attacked answer's bands;
  * the graded ladder of tests/essays_ladder.py: target and band;
  * what each engine costs per essay.
With the essay CSVs (not in this repository), also how often each defence fires on real essays and the
band distribution on answers the model never saw.
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ielts_rq.scoring import descriptors, grammar, ordering, relevance, score, spelling, wordorder  # noqa: E402
from ielts_rq.scoring.features import analyse_essay  # noqa: E402
from ielts_rq.scoring.originality import own_text  # noqa: E402
from ielts_rq.scoring.text import normalise, parse  # noqa: E402
from tests.essays_attacks import ATTACKS  # noqa: E402
from tests.essays_ladder import LADDER, PROMPT  # noqa: E402

DATA = ROOT / "tests" / "data" / "grammar"


def _lines(name: str) -> list[str]:
    return [line.strip() for line in (DATA / name).read_text().splitlines() if line.strip() and not line.startswith("#")]


def grammar_table() -> None:
    print("Grammar rules")
    for label, correct, errors in (("tuning set", "correct.txt", "errors.tsv"),
                                   ("held-out set", "heldout_correct.txt", "heldout_errors.tsv")):
        sentences = _lines(correct)
        false_flags = sum(len(grammar.check(s)) for s in sentences)
        planted = [line.split("\t") for line in _lines(errors)[1:]]
        flags, right, found, kinds = false_flags, 0, Counter(), Counter()
        for kind, sentence, words in planted:
            kinds[kind] += 1
            start, hits = sentence.find(words), 0
            for slip in grammar.check(sentence):
                at = sentence.find(slip.words)
                flags += 1
                if at < start + len(words) and start < at + len(slip.words):
                    right, hits = right + 1, hits + 1
            found[kind] += bool(hits)
        print(f"  {label}: {false_flags} flags on {len(sentences)} correct sentences; precision "
              f"{right / max(1, flags):.2f} ({right}/{flags} flags on the planted error); recall "
              f"{sum(found.values())}/{len(planted)} = {sum(found.values()) / len(planted):.2f}")
        print("    " + ", ".join(f"{k} {found[k]}/{n}" for k, n in sorted(kinds.items())))


def spelling_table() -> None:
    correct = _lines("correct_words.txt")
    planted = [line.split("\t") for line in _lines("misspellings.tsv")[1:]]
    flagged = [w for w in correct if spelling.classify(w)[0]]
    caught = [w for w, _ in planted if spelling.classify(w)[0] == "spelling"]
    corrected = [w for w, right in planted if spelling.classify(w)[1] == right]
    print(f"Spelling: {len(flagged)} of {len(correct)} reviewed correct words flagged; "
          f"{len(caught)}/{len(planted)} planted misspellings caught, {len(corrected)} with the right correction")


def attack_table() -> None:
    print("Attacks (overall band: honest -> attacked; ceiling where the descriptors set one)")
    for name, task, prompt, attacked, honest, ceiling in ATTACKS:
        before = score(task, honest, prompt)["overall_band_score"]
        after = score(task, attacked, prompt)["overall_band_score"]
        verdict = "ok" if after <= before and (ceiling is None or after <= ceiling) else "FAIL"
        print(f"  {verdict:4s} {name:52s} {before:4.1f} -> {after:4.1f}" + (f"  (at most {ceiling})" if ceiling else ""))
    bands = [score("writing_task_2", essay, PROMPT)["overall_band_score"] for _, essay in LADDER]
    print("Ladder (target -> band): " + ", ".join(f"{t} -> {b:g}" for (t, _), b in zip(LADDER, bands))
          + ("  in order" if bands == sorted(bands) else "  OUT OF ORDER"))


def engine_costs() -> None:
    essays = [normalise(essay) for _, essay in LADDER] * 20
    parsed = [parse(e) for e in essays]
    for e, d in zip(essays[:7], parsed[:7]):  # load every table first
        score("writing_task_2", e, PROMPT)
    steps = {
        "spelling (Hunspell word list)": lambda e, d: spelling.check(d.sentences),
        "grammar rules": lambda e, d: grammar.analyse_grammar(d),
        "originality (copied, repeated, foreign)": lambda e, d: own_text(e, PROMPT),
        "word order (class trigrams)": lambda e, d: wordorder.plausibility(d.sentences),
        "sentence order": lambda e, d: ordering.order_score(list(d.sentences)),
        "relevance and genre": lambda e, d: (relevance.relevance(e, PROMPT, 2), relevance.task1_probability(e)),
        "whole score": lambda e, d: score("writing_task_2", e, PROMPT),
    }
    print("Cost per essay (ms, ladder essays, this machine)")
    for name, step in steps.items():
        started = time.perf_counter()
        for e, d in zip(essays, parsed):
            step(e, d)
        print(f"  {name:42s} {(time.perf_counter() - started) / len(essays) * 1000:6.2f}")


def real_essays(scored: str, unscored: str | None) -> None:
    csv.field_size_limit(10 ** 8)
    with open(scored, encoding="utf-8", newline="") as handle:
        essays = [(f"writing_task_{r['Task_Type'].strip()}", r["Question"], r["Essay"]) for r in csv.DictReader(handle)]
    if unscored:
        with open(unscored, encoding="utf-8", newline="") as handle:
            essays += [("writing_task_2", r["question"], r["paragraph"]) for r in csv.DictReader(handle)]
    fired = Counter()
    for task, prompt, text in essays:
        values, evidence, _ = analyse_essay(task, normalise(text), prompt)
        for cap in {_rule_of(c.reason) for c in descriptors.caps(int(task[-1]), evidence, values)}:
            fired[cap] += 1
    print(f"Descriptor ceilings on {len(essays):,} real essays (each counted once per essay):")
    for reason, count in fired.most_common(12):
        print(f"  {count / len(essays):6.2%}  {reason}")
    if unscored:
        with open(unscored, encoding="utf-8", newline="") as handle:
            bands = [score("writing_task_2", r["paragraph"], r["question"])["overall_band_score"]
                     for r in csv.DictReader(handle)]
        print(f"Answers the model never saw ({len(bands):,}): mean {statistics.mean(bands):.2f}, "
              f"sd {statistics.pstdev(bands):.2f}")


def _rule_of(reason: str) -> str:
    """A cap's reason without the essay's own figures, so the same rule counts as one."""
    return "".join(c for c in reason.split(":")[0].split(" e.g.")[0] if not c.isdigit())[:70]


def main(argv: list[str]) -> int:
    grammar_table()
    spelling_table()
    attack_table()
    engine_costs()
    if argv:
        real_essays(argv[0], argv[1] if len(argv) > 1 else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
