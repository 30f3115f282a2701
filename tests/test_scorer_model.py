"""The fitted model: its JSON, the plain-Python prediction code, criterion consistency."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from ielts_rq.scoring.model import (
    consistent_criterion_bands,
    load_model,
    penalties,
    predict_overall,
    tree_ensemble_output,
    vocabulary_score,
)
from ielts_rq.scoring.rules import mean_band, round_band

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


def test_consistent_criterion_bands_average_back_to_the_overall():
    rng = random.Random(7)
    for _ in range(2000):
        overall = rng.uniform(1.0, 9.0)
        shifts = {c: rng.uniform(-1, 1) for c in ("task", "cc", "lr", "gra")}
        lost = {c: rng.choice([0.0, 0.0, rng.uniform(0, 2.5)]) for c in shifts}
        bands = consistent_criterion_bands(overall, shifts, lost)
        expected = max(1.0, round_band(overall - sum(lost.values()) / 4))
        assert mean_band(bands.values()) == expected
        assert all(1.0 <= b <= 9.0 and float(b).is_integer() for b in bands.values())  # examiners' whole bands


def test_criteria_follow_their_shifts():
    bands = consistent_criterion_bands(6.5, {"task": 1.0, "cc": 0.0, "lr": 0.0, "gra": -1.0})
    assert bands["task"] >= bands["cc"] >= bands["gra"] and bands["task"] > bands["gra"]


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
