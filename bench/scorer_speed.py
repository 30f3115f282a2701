"""Essays per second of the built-in scorer on one core.

Usage: python bench/scorer_speed.py [--essays 500] [--csv ESSAYS_CSV]

Loads the scorer once (dictionaries, model), then scores --essays essays and
prints the rate. The essays are generated from a pool of sentences with
random misspellings, so every essay differs; --csv scores essays from an
essay CSV (column Essay) instead.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ielts_rq.scoring import score

PROMPT = ("Some people believe that governments should spend more money on public transport "
          "than on building new roads. To what extent do you agree or disagree?")
SENTENCES = (
    "Many people argue that public transport is the most efficient way to move large numbers of people.",
    "However, others believe that roads are essential for the economy because goods are carried by lorries.",
    "In my opinion, governments should invest more in trains and buses than in new motorways.",
    "Firstly, public transport reduces traffic congestion in crowded cities such as London or Bangkok.",
    "For example, a single train can carry over a thousand passengers, which would otherwise need hundreds of cars.",
    "Secondly, buses and trains produce far less pollution per passenger than private vehicles.",
    "As a result, the air in cities with good metro systems is usually cleaner.",
    "On the other hand, people living in rural areas often depend on cars because there are no regular services.",
    "Building roads in these regions can therefore improve access to hospitals, schools and markets.",
    "Moreover, new roads may attract businesses and create jobs for local residents.",
    "Nevertheless, experience shows that new roads quickly fill with additional traffic.",
    "This phenomenon, known as induced demand, means that congestion soon returns.",
    "Public transport, in contrast, can be expanded without consuming so much land.",
    "It is also fairer, since elderly people and students who cannot drive are able to use it.",
    "Some critics claim that public transport is expensive to run and often requires subsidies.",
    "Although this is true, the long-term benefits for health and the environment outweigh the costs.",
    "In conclusion, I believe that governments should prioritise public transport while maintaining existing roads.",
    "A balanced approach would ensure that both urban and rural communities are well served.",
)
MISSPELL = {"government": "goverment", "believe": "belive", "because": "becuase",
            "environment": "enviroment", "necessary": "neccessary", "receive": "recieve"}


def synthetic_essays(count: int, seed: int = 1) -> list:
    """``count`` varied Task 2 essays of 200-400 words built from SENTENCES."""
    rng = random.Random(seed)
    essays = []
    for _ in range(count):
        sentences = rng.sample(SENTENCES, rng.randint(10, len(SENTENCES)))
        paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
        text = "\n\n".join(paragraphs)
        for right, wrong in MISSPELL.items():
            if rng.random() < 0.3:
                text = text.replace(right, wrong)
        essays.append(text)
    return essays


def csv_essays(path: str, count: int) -> list:
    with open(path, encoding="utf-8", newline="") as handle:
        essays = [row["Essay"] for row in csv.DictReader(handle)]
    return (essays * (count // len(essays) + 1))[:count]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--essays", type=int, default=500)
    parser.add_argument("--csv", help="score essays from this CSV instead of synthetic ones")
    args = parser.parse_args(argv)
    essays = csv_essays(args.csv, args.essays) if args.csv else synthetic_essays(args.essays)
    started = time.perf_counter()
    score("writing_task_2", essays[0], PROMPT)  # loads dictionaries and the model
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for essay in essays:
        score("writing_task_2", essay, PROMPT)
    elapsed = time.perf_counter() - started
    print(f"first call (loading): {load_seconds:.2f} s")
    print(f"{len(essays)} essays in {elapsed:.2f} s: {len(essays) / elapsed:.0f} essays/s, "
          f"{elapsed / len(essays) * 1000:.2f} ms per essay")


if __name__ == "__main__":
    main()
