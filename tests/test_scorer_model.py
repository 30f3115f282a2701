"""The fitted model: its JSON, the plain-Python prediction code, criteria read from their own features."""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import pytest

from ielts_rq.scoring.model import (
    CRITERION_FEATURES,
    criterion_bands,
    criterion_estimates,
    criterion_of_tree,
    load_model,
    penalties,
    predict_overall,
    raw_overall,
    raw_parts,
    tree_ensemble_output,
    vocabulary_score,
)

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_model_json_is_complete_and_consistent():
    params = load_model()
    k = len(params["features"])
    for key in ("lower", "upper", "means", "scales", "coefficients"):
        assert len(params[key]) == k, key
    assert all(scale > 0 for scale in params["scales"])
    assert all(low <= high for low, high in zip(params["lower"], params["upper"], strict=True))
    assert params["features"][-1] == "vocabulary_score"
    assert params["vocabulary"]["weights"]
    for tree in params["trees"]["trees"]:
        assert max(tree["feature"]) < k


def test_predictions_stay_on_the_band_scale():
    params = load_model()
    for extreme in ("lower", "upper"):
        values = dict(zip(params["features"], params[extreme], strict=True))
        assert 1.0 <= predict_overall(values, ["word"], params) <= 9.0


def test_every_input_belongs_to_one_criterion_and_every_tree_to_one():
    params = load_model()
    owned = [name for names in CRITERION_FEATURES.values() for name in names]
    assert sorted(owned) == sorted(params["features"])  # each input once: no input moves two criteria
    for tree in params["trees"]["trees"]:
        criterion = criterion_of_tree(tree, params["features"])
        split_on = {params["features"][f] for f in tree["feature"] if f != -1}
        assert criterion is None or split_on <= set(CRITERION_FEATURES[criterion])


def test_the_criteria_parts_add_up_to_the_model():
    params = load_model()
    rng = random.Random(7)
    ensemble = params["trees"]
    constant = (1 - ensemble["blend"]) * params["intercept"] + ensemble["blend"] * ensemble["init"]
    for _ in range(200):
        inputs = {name: rng.uniform(low, high) for name, low, high in
                  zip(params["features"], params["lower"], params["upper"], strict=True)}
        constant_trees = sum(ensemble["learning_rate"] * tree["value"][0] for tree in ensemble["trees"]
                             if criterion_of_tree(tree, params["features"]) is None)
        total = constant + ensemble["blend"] * constant_trees + sum(raw_parts(inputs, params).values())
        assert total == pytest.approx(raw_overall(inputs, params), abs=1e-9)


def test_a_criterion_moves_only_with_its_own_features():
    params = load_model()
    rng = random.Random(11)
    base = dict(zip(params["features"], params["means"], strict=True))
    for _ in range(100):
        criterion = rng.choice(list(CRITERION_FEATURES))
        changed = dict(base)
        for name in CRITERION_FEATURES[criterion]:
            low, high = params["lower"][params["features"].index(name)], params["upper"][params["features"].index(name)]
            changed[name] = rng.uniform(low, high)
        before = criterion_estimates(base, [], params, inputs=base)
        after = criterion_estimates(changed, [], params, inputs=changed)
        for other in CRITERION_FEATURES:
            if other != criterion:
                assert after[other] == before[other], (criterion, other)


def test_criterion_bands_are_whole_bands_each_rounded_on_its_own():
    rng = random.Random(7)
    for _ in range(2000):
        estimates = {c: rng.uniform(0.0, 10.0) for c in ("task", "cc", "lr", "gra")}
        lost = {c: rng.choice([0.0, 0.0, rng.uniform(0, 2.5)]) for c in estimates}
        bands = criterion_bands(estimates, lost)
        for c, band in bands.items():
            assert band == min(9.0, max(1.0, float(math.floor(estimates[c] - lost[c] + 0.5))))  # whole bands
            assert 1.0 <= band <= 9.0 and float(band).is_integer()


def test_no_penalty_inside_the_training_range():
    params = load_model()
    values = dict(zip(params["features"], params["means"], strict=True))
    values["under_length"] = 0.0
    assert all(p == 0 for p in penalties(values, params).values())


def test_penalty_beyond_the_training_range_hits_its_criterion():
    params = load_model()
    values = dict(zip(params["features"], params["means"], strict=True))
    values["under_length"] = 0.0
    values["spelling_error_rate"] = 30.0
    lost = penalties(values, params)
    assert lost["lexical_resource"] > 1.0
    assert lost.get("grammatical_range_accuracy", 0) == 0


@pytest.mark.slow
def test_tree_export_matches_the_fitted_booster():
    np = pytest.importorskip("numpy")
    pytest.importorskip("sklearn")
    sys.path.insert(0, str(BENCH))
    try:
        import fit_scorer
    finally:
        sys.path.remove(str(BENCH))
    from sklearn.ensemble import HistGradientBoostingRegressor

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = X[:, 0] - 0.5 * X[:, 1] ** 2 + rng.normal(scale=0.1, size=300)
    names = ["a", "b", "c"]
    exported = fit_scorer._fit_trees(names, X, y)
    directions = [fit_scorer.FEATURE_DIRECTIONS.get(n, 0) for n in names]
    booster = HistGradientBoostingRegressor(monotonic_cst=directions, **fit_scorer.TREE_SETTINGS).fit(X, y)
    for row, expected in zip(X[:50], booster.predict(X[:50]), strict=True):
        assert tree_ensemble_output(row.tolist(), exported) == pytest.approx(expected, abs=1e-4)


def test_vocabulary_score_matches_the_fitted_tfidf_ridge():
    pytest.importorskip("sklearn")
    np = pytest.importorskip("numpy")
    sys.path.insert(0, str(BENCH))
    try:
        import fit_scorer
    finally:
        sys.path.remove(str(BENCH))

    rng = random.Random(3)
    lexicon_words = [f"w{i}" for i in range(40)]
    documents = [[rng.choice(lexicon_words) for _ in range(rng.randint(5, 30))] for _ in range(60)]
    y = np.array([sum(int(w[1:]) for w in d) / len(d) for d in documents])
    original_min = fit_scorer.VOCABULARY_MIN_ESSAYS
    fit_scorer.VOCABULARY_MIN_ESSAYS = 2
    try:
        vocabulary = fit_scorer.fit_vocabulary(documents, y)
    finally:
        fit_scorer.VOCABULARY_MIN_ESSAYS = original_min
    scores = [vocabulary_score(d, vocabulary) for d in documents]
    # A model of the same documents must rank high-number documents higher.
    assert np.corrcoef(scores, y)[0, 1] > 0.8
