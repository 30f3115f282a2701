"""The fitted writing model: overall band from features, criteria around it.

``model.json`` (written by ``bench/fit_scorer.py``) holds only numbers: a
vocabulary model (TF-IDF weights of words and word pairs) whose score is one
more feature; the feature names, clipping bounds, means and scales; ridge
coefficients; gradient-boosted trees as flat node arrays; and a linear
calibration that spreads predictions back towards the spread of examiners'
bands. Prediction is plain Python: no numpy or sklearn at runtime.

Criterion bands: only overall bands exist to fit on, so each criterion is
the predicted overall shifted by its own features, minus descriptor-based
penalties, and the four are kept consistent with the overall.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from pathlib import Path

from .rules import MAX_BAND, MIN_SCORED_BAND, mean_band, round_band

MODEL_PATH = Path(__file__).parent / "data" / "model.json"

# Features that speak to each writing criterion ("task" stands for Task
# Achievement in Task 1 and Task Response in Task 2), with the direction in which
# they make the criterion better (+1) or worse (-1). A criterion's band is the
# predicted overall band shifted by how far these features sit from the
# training mean (in standard deviations), within +/- MAX_CRITERION_SHIFT.
CRITERION_FEATURES = {
    # under_length is not here: its penalty (penalties) already lowers Task Response for the shortfall,
    # and the feature is so skewed (a tenth of the training essays are short at all) that any shortfall
    # sat several deviations out and took the whole shift, so a short answer lost its band twice.
    "task": {"length_ratio": +1, "prompt_overlap": +1, "task_markers": +1, "paragraphs": +0.5},
    "coherence_cohesion": {"linkers_distinct": +1, "linkers_overused": -1, "paragraphs": +1,
                           "run_on_sentences": -1, "sentence_length_sd": +0.5},
    "lexical_resource": {"spelling_error_rate": -1.5, "mtld": +1, "window_ttr": +0.5,
                         "advanced_words": +1, "vocabulary_score": +1},
    "grammatical_range_accuracy": {"grammar_slip_rate": -1.5, "complex_sentence_share": +1,
                                   "punctuation_spacing_rate": -0.5, "run_on_sentences": -0.5,
                                   "comma_rate": +0.5},
}
# Half a band per standard deviation of a criterion's evidence, at most one band.
SHIFT_PER_SD = 0.5
MAX_CRITERION_SHIFT = 1.0

# The model only knows the range of its training essays: values beyond it are
# clipped, so an essay with no full stops at all looks no worse than the
# worst-punctuated training essay. Beyond that range, the descriptors' word
# stands: each feature below costs its criteria PENALTY_PER_SD bands per
# training standard deviation past the bound, in its bad direction.
OUT_OF_RANGE_PENALTIES = {
    # feature: (bad direction, criteria it penalises)
    "spelling_error_rate": (+1, ("lexical_resource",)),
    "window_ttr": (-1, ("lexical_resource",)),
    "log_distinct_words": (-1, ("lexical_resource",)),
    "mean_sentence_length": (+1, ("coherence_cohesion", "grammatical_range_accuracy")),
    # grammar_slip_rate: not here. Grammar beyond the training range is capped by the descriptors
    # (descriptors.GRAMMAR_CEILINGS); a penalty on top took honest band-4 answers to Grammar 1.
    "punctuation_spacing_rate": (+1, ("grammatical_range_accuracy",)),
}
PENALTY_PER_SD = 0.5
MAX_PENALTY_PER_FEATURE = 2.0
MAX_PENALTY_PER_CRITERION = 2.5
# Under-length answers lose Task Achievement/Response in proportion to the
# shortfall beyond the training range: the model already reads a shortfall up
# to its bound (about a quarter short) in every criterion, so charging that part
# again took a band from honest 200-word Task 2 answers twice. Beyond the bound
# the rate is such that an answer with no words still loses 2 bands.
UNDER_LENGTH_PENALTY = 2.0


# The ridge part of the model adds up its inputs' contributions: an answer at the bad bound of several
# features at once (a fifth under length AND a grammar error in most sentences: honest band-4 answers)
# sums to a prediction below all but 1% of the calibration essays', a band below the trees' verdict on it.
# Like its inputs, its output is held to its training range (the 1st percentile of its predictions on the
# calibration essays), though never above what the trees say: where they too put the answer at the very
# bottom (most of the 1% are answers examiners rated 3-4), nothing is raised.
LINEAR_FLOOR = 4.36

# See stretch_ends.
END_KNEE = 1.0
TOP_STRETCH = 0.3
BOTTOM_STRETCH = 0.0


@functools.cache
def load_model(path: str = str(MODEL_PATH)) -> dict:
    """The fitted parameters, read once per process."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def vocabulary_terms(words: list, ngrams: int) -> list:
    """The terms the vocabulary model counts: words, and word pairs if ``ngrams`` is 2."""
    if ngrams == 1:
        return list(words)
    return list(words) + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def vocabulary_score(words: list, vocabulary: dict) -> float:
    """Band suggested by which words and word pairs the essay uses (TF-IDF ridge).

    Term weights are sublinear (1 + log count) times the term's IDF, and the
    vector is L2-normalised over the model's vocabulary, as in training.
    """
    weights = vocabulary["weights"]
    counts = {}
    for term in words:
        if term in weights:
            counts[term] = counts.get(term, 0) + 1
    if vocabulary.get("ngrams", 1) == 2:
        for first, second in itertools.pairwise(words):
            term = f"{first} {second}"
            if term in weights:
                counts[term] = counts.get(term, 0) + 1
    if not counts:
        return vocabulary["intercept"]
    tfidf = {w: (1 + math.log(n)) * weights[w][0] for w, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in tfidf.values()))
    return vocabulary["intercept"] + sum(v / norm * weights[w][1] for w, v in tfidf.items())


def model_inputs(values: dict, words: list, params: dict) -> dict:
    """The essay's features plus the vocabulary model's score: what the regressors read."""
    inputs = dict(values)
    inputs["vocabulary_score"] = vocabulary_score(words, params["vocabulary"])
    return inputs


def standardise(inputs: dict, params: dict) -> list:
    """Inputs clipped to the training range (1st-99th percentile), as z-scores."""
    z = []
    for name, low, high, mean, scale in zip(params["features"], params["lower"], params["upper"],
                                            params["means"], params["scales"]):
        value = min(high, max(low, inputs[name]))
        z.append((value - mean) / scale)
    return z


def tree_ensemble_output(x: list, ensemble: dict) -> float:
    """Prediction of gradient-boosted regression trees stored as flat node arrays."""
    total = ensemble["init"]
    for tree in ensemble["trees"]:
        node = 0
        left, right = tree["left"], tree["right"]
        while left[node] != -1:
            if x[tree["feature"][node]] <= tree["threshold"][node]:
                node = left[node]
            else:
                node = right[node]
        total += ensemble["learning_rate"] * tree["value"][node]
    return total


def raw_overall(inputs: dict, params: dict) -> float:
    """Uncalibrated overall band: ridge, blended with the trees when present."""
    z = standardise(inputs, params)
    linear = params["intercept"] + sum(c * x for c, x in zip(params["coefficients"], z))
    ensemble = params.get("trees")
    if not ensemble:
        return linear
    trees = tree_ensemble_output([inputs[name] for name in params["features"]], ensemble)
    linear = max(linear, min(LINEAR_FLOOR, trees))  # see LINEAR_FLOOR
    return (1 - ensemble["blend"]) * linear + ensemble["blend"] * trees


def predict_overall(values: dict, words: list, params: dict | None = None, inputs: dict | None = None) -> float:
    """Continuous overall band (not yet rounded) of an essay, within 1..9."""
    params = params or load_model()
    raw = raw_overall(inputs or model_inputs(values, words, params), params)
    calibration = params["calibration"]
    centre = calibration["target_mean"] + calibration.get("source_offset", 0.0)
    calibrated = centre + calibration["slope"] * (raw - calibration["raw_mean"])
    return min(MAX_BAND, max(1.0, stretch_ends(calibrated, centre)))


def stretch_ends(band: float, centre: float) -> float:
    """The prediction with its ends pulled back out: beyond END_KNEE bands from the centre, each band
    of prediction counts 1 + TOP_STRETCH (above) or 1 + BOTTOM_STRETCH (below) bands.

    A regression on noisy labels shrinks towards the mean most where essays are rarest: held out, the
    calibration set's band 8.5-9 essays came out about 0.9 band low and its band 4-5 essays 0.7 high,
    and on essays written to band 9 the scorer stopped near 7.5.
    """
    if band > centre + END_KNEE:
        return band + TOP_STRETCH * (band - centre - END_KNEE)
    if band < centre - END_KNEE:
        return band - BOTTOM_STRETCH * (centre - END_KNEE - band)
    return band


def criterion_shifts(values: dict, words: list, params: dict | None = None, inputs: dict | None = None) -> dict:
    """Per-criterion shift (in bands) from each criterion's own features."""
    params = params or load_model()
    inputs = inputs or model_inputs(values, words, params)
    z_by_name = dict(zip(params["features"], standardise(inputs, params)))
    shifts = {}
    for criterion, weights in CRITERION_FEATURES.items():
        total_weight = sum(abs(w) for w in weights.values())
        evidence = sum(w * z_by_name[name] for name, w in weights.items()) / total_weight
        shifts[criterion] = max(-MAX_CRITERION_SHIFT, min(MAX_CRITERION_SHIFT, SHIFT_PER_SD * evidence))
    return shifts


def penalties(values: dict, params: dict | None = None) -> dict:
    """Bands each criterion loses for evidence beyond the training range or under length."""
    params = params or load_model()
    bounds = {name: (low, high, scale) for name, low, high, scale in
              zip(params["features"], params["lower"], params["upper"], params["scales"])}
    lost = {"task": under_length_penalty(values["under_length"], bounds["under_length"][1])}
    for name, (direction, criteria) in OUT_OF_RANGE_PENALTIES.items():
        low, high, scale = bounds[name]
        excess = (values[name] - high) if direction > 0 else (low - values[name])
        if excess > 0:
            cost = min(MAX_PENALTY_PER_FEATURE, PENALTY_PER_SD * excess / scale)
            for criterion in criteria:
                lost[criterion] = lost.get(criterion, 0.0) + cost
    return {c: min(MAX_PENALTY_PER_CRITERION, p) for c, p in lost.items()}


def under_length_penalty(shortfall: float, read_up_to: float) -> float:
    """Task bands lost for a shortfall (share of the minimum words missing) beyond what the model reads."""
    if shortfall <= read_up_to:
        return 0.0
    return UNDER_LENGTH_PENALTY * (shortfall - read_up_to) / (1 - read_up_to)


def consistent_criterion_bands(overall: float, shifts: dict, lost: dict | None = None) -> dict:
    """Whole-band criterion bands around ``overall`` whose IELTS-rounded mean is the rounded overall.

    Examiners give each criterion a whole band. The shifts are centred (so they move criteria apart,
    not the overall); penalties (``lost``, bands per criterion) then lower their criteria and with them
    the overall. Each criterion is rounded to a whole band, and the criterion whose rounding lost the
    most (or gained the most) is moved by a band until the IELTS-rounded mean of the four equals the
    rounded (penalised) overall.
    """
    lost = lost or {}
    centre = sum(shifts.values()) / len(shifts)
    raw = {c: min(MAX_BAND, max(MIN_SCORED_BAND, overall + s - centre - lost.get(c, 0.0)))
           for c, s in shifts.items()}
    target = max(MIN_SCORED_BAND,
                 round_band(overall - sum(lost.get(c, 0.0) for c in shifts) / len(shifts)))
    bands = {c: float(math.floor(v + 0.5)) for c, v in raw.items()}
    for _ in range(4 * len(bands)):
        current = mean_band(bands.values())
        if current == target:
            break
        if current < target:
            candidates = [c for c in bands if bands[c] < MAX_BAND]
            pick = max(candidates, key=lambda c: raw[c] - bands[c])
            bands[pick] += 1
        else:
            candidates = [c for c in bands if bands[c] > MIN_SCORED_BAND]
            pick = min(candidates, key=lambda c: raw[c] - bands[c])
            bands[pick] -= 1
    return bands
