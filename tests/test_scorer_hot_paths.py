"""The scorer's hot paths, made faster, give exactly what the plain library calls give: no band moves."""

import functools
import inspect
import sys

import lemminflect
import pytest

from ielts_rq.scoring import ScoringInputError, score
from ielts_rq.scoring.grammar import words

from . import essays, essays_attacks, essays_ladder

MODULES = (essays, essays_attacks, essays_ladder)
VARIES_BY_RUN = {"processing_time", "timestamp"}  # when and how fast, not what was scored


def essay_texts():
    """Every essay of the test essay modules (each module-level text of 40 words or more), with the
    module's prompt, and every one-argument attack of essays_attacks applied to the good essay."""
    found = []
    for module in MODULES:
        prompt = getattr(module, "PROMPT", essays.PROMPT)
        for name, value in vars(module).items():
            if isinstance(value, str) and len(value.split()) >= 40 and name.isupper():
                found.append((f"{module.__name__}.{name}", value, prompt))
    for name, attack in vars(essays_attacks).items():
        if inspect.isfunction(attack) and attack.__module__ == essays_attacks.__name__:
            required = [p for p in inspect.signature(attack).parameters.values() if p.default is p.empty]
            attacked = attack(essays.GOOD_ESSAY) if len(required) == 1 else None
            if isinstance(attacked, str):  # an attack, not a helper that splits the text
                found.append((f"attack {name}", attacked, essays.PROMPT))
    return found


def library_tags(word: str) -> frozenset:
    """``tags`` as the library's public calls give it (each deep-copies its table entries)."""
    out = set()
    for pos, lemmas in lemminflect.getAllLemmas(word).items():
        for lemma in lemmas:
            for tag, forms in lemminflect.getAllInflections(lemma, upos=pos).items():
                if word in forms:
                    out.add(tag)
    return frozenset(out)


def clear_scorer_caches():
    """Forget every memoised result of the scorer, so a run computes everything afresh."""
    for name, module in list(sys.modules.items()):
        if name.startswith("ielts_rq.scoring"):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def outcome(text: str, prompt: str):
    try:
        result = score("writing_task_2", text, prompt)
    except ScoringInputError as exc:  # a refusal must stay the same refusal
        return f"refused: {exc}"
    return {key: value for key, value in result.items() if key not in VARIES_BY_RUN}


def scores_with(tags_function, monkeypatch) -> dict:
    clear_scorer_caches()
    with monkeypatch.context() as patch:
        for name, module in list(sys.modules.items()):
            if name.startswith("ielts_rq.scoring") and getattr(module, "tags", None) is words.tags:
                patch.setattr(module, "tags", tags_function)
        results = {name: outcome(text, prompt) for name, text, prompt in essay_texts()}
    clear_scorer_caches()
    return results


def test_the_test_essays_are_all_found():
    names = [name for name, _, _ in essay_texts()]
    assert "tests.essays.GOOD_ESSAY" in names and "tests.essays_ladder.BAND_9" in names
    assert any(name.startswith("attack ") for name in names) and len(names) >= 20


@pytest.mark.slow
def test_every_test_essay_scores_exactly_as_with_the_library_calls(monkeypatch):
    reference = scores_with(functools.lru_cache(maxsize=None)(library_tags), monkeypatch)
    fast = scores_with(words.tags, monkeypatch)
    assert fast.keys() == reference.keys()
    for name in reference:
        assert fast[name] == reference[name], name  # every band, feedback line and number


def test_tags_agree_with_the_library_on_its_whole_vocabulary_sample():
    from lemminflect.core.Lemmatizer import Lemmatizer

    vocabulary = sorted(Lemmatizer()._getLemmaDict())
    sample = vocabulary[::7] + [w.capitalize() for w in vocabulary[::70]] + [w.upper() for w in vocabulary[::70]]
    essay_words = {t.low for _, text, _ in essay_texts() for t in words.tokenize(text)}
    words.tags.cache_clear()
    differing = [w for w in sorted(essay_words) + sample if words.tags(w) != library_tags(w)]
    words.tags.cache_clear()
    assert differing == []


@pytest.mark.parametrize("word", ["argues", "went", "children", "better", "English", "data", "xyzzy", ""])
def test_tags_of_chosen_words(word):
    words.tags.cache_clear()
    assert words.tags(word) == library_tags(word)
