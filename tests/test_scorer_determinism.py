"""The same answer gets the same result in every worker process.

Python salts the hash of every string per process (``PYTHONHASHSEED``), so anything that iterates a set
of words, and takes the first of equals, can decide differently in two workers: a learner who resubmits
an essay would see a different correction, or band, for the same words.
"""

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT
from .essays import PROMPT

# Misspellings whose closest words tie (take/talk, every/even, social/soil, simple/simply, actor/author,
# keeping/seeing, attached/attacked): which one wins must not depend on the process.
TIED_TYPOS = ("In my opinion, evey government should tak more care of socil problems. It is not simpl to "
              "decide, and the autor of this idea was keeing in mind that people were attaced by crime. ")
ESSAY = TIED_TYPOS + ("Many people believe that the state should spend more on prisons, but I think education "
                      "prevents crime better, because young people who study have more to lose. ") * 4

SCORE = """
import json, sys
from ielts_rq.scoring import score
result = score("writing_task_2", sys.stdin.read(), prompt=%r)
for volatile in ("processing_time", "timestamp"):
    result.pop(volatile, None)
print(json.dumps(result, sort_keys=True))
""" % PROMPT


def _scored_with_hash_seed(seed: str) -> dict:
    done = subprocess.run([sys.executable, "-c", SCORE], input=ESSAY, capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONHASHSEED": seed}, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow
def test_an_essay_gets_the_same_result_whatever_the_process_hash_seed():
    results = [_scored_with_hash_seed(seed) for seed in ("1", "2", "3")]
    assert results[0] == results[1] == results[2]
