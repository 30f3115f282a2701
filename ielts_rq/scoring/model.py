"""The fitted writing model: overall band from features, criteria around it.

``model.json`` (written by ``bench/fit_scorer.py``) holds only numbers: a
vocabulary model (TF-IDF weights of words and word pairs) whose score is one
more feature; the feature names, clipping bounds, means and scales; ridge
coefficients; gradient-boosted trees as flat node arrays; and a linear
calibration that spreads predictions back towards the spread of examiners'
bands. Prediction is plain Python: no numpy or sklearn at runtime.

Criterion bands: only overall bands exist to fit on. The model is fitted
additive across criteria (ridge terms, and trees each splitting on one
criterion's features only, ``CRITERION_FEATURES``), so its prediction splits
into four parts, each read from one criterion's evidence alone; each part is
weighted to span the band scale and calibrated alike, and the overall is the
IELTS-rounded mean of the four whole-band criteria.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from pathlib import Path

from .rules import MAX_BAND, MIN_SCORED_BAND

MODEL_PATH = Path(__file__).parent / "data" / "model.json"

# The evidence each writing criterion is judged on ("task" stands for Task Achievement in Task 1 and
# Task Response in Task 2). Every model input belongs to exactly one criterion, so a change in one kind of
# evidence (spelling, linking, paragraphing) moves that criterion's band and no other: Task Response reads
# the answer's length, its use of the question and the moves the task asks for; Coherence and Cohesion
# linking and paragraphing; Lexical Resource vocabulary and spelling; Grammar sentence forms and errors.
CRITERION_FEATURES = {
    "task": ("task2", "log_words", "length_ratio", "under_length", "prompt_overlap", "task_markers",
             "number_rate"),
    "coherence_cohesion": ("linkers_distinct", "linker_rate", "linkers_overused", "paragraphs",
                           "sentence_length_sd", "comma_rate"),
    "lexical_resource": ("spelling_error_rate", "unlisted_word_rate", "mean_word_length", "long_word_share",
                         "mtld", "window_ttr", "mean_zipf", "rare_word_share", "log_distinct_words",
                         "advanced_words", "function_word_share", "vocabulary_score"),
    "grammatical_range_accuracy": ("grammar_slip_rate", "run_on_sentences", "punctuation_spacing_rate",
                                   "complex_sentence_share", "mean_sentence_length",
                                   "sentence_count"),
}

# Read for the penalties beyond the training range only, not by the regressors: the mean sentence length
# moves with any word added or taken out (a connective dropped shortens its sentence), and within the
# training range it says nothing the descriptors ask for that the other sentence features do not.
UNMODELLED_FEATURES = ("mean_sentence_length",)
CRITERION_OF_FEATURE = {name: criterion for criterion, names in CRITERION_FEATURES.items() for name in names}

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
# shortfall: 3 bands for an answer with no words, 0.6 for one 20% short.
UNDER_LENGTH_PENALTY = 2.0


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


def tree_output(x: list, tree: dict) -> float:
    """The leaf value one regression tree (flat node arrays) gives ``x``."""
    node = 0
    left, right = tree["left"], tree["right"]
    while left[node] != -1:
        if x[tree["feature"][node]] <= tree["threshold"][node]:
            node = left[node]
        else:
            node = right[node]
    return tree["value"][node]


def tree_ensemble_output(x: list, ensemble: dict) -> float:
    """Prediction of gradient-boosted regression trees stored as flat node arrays."""
    return ensemble["init"] + sum(ensemble["learning_rate"] * tree_output(x, tree) for tree in ensemble["trees"])


def raw_overall(inputs: dict, params: dict) -> float:
    """Uncalibrated overall band: ridge, blended with the trees when present."""
    z = standardise(inputs, params)
    linear = params["intercept"] + sum(c * x for c, x in zip(params["coefficients"], z))
    ensemble = params.get("trees")
    if not ensemble:
        return linear
    x = [inputs[name] for name in params["features"]]
    return (1 - ensemble["blend"]) * linear + ensemble["blend"] * tree_ensemble_output(x, ensemble)


def criterion_of_tree(tree: dict, features: list) -> str | None:
    """The criterion whose features a tree splits on (each tree is fitted within one criterion's
    features); None for a tree with no split."""
    split = next((f for f in tree["feature"] if f != -1), None)
    return None if split is None else CRITERION_OF_FEATURE[features[split]]


def raw_parts(inputs: dict, params: dict) -> dict:
    """The uncalibrated overall band split by criterion: each criterion's part is what the ridge
    terms and trees on its own features add (the model is additive across criteria, so the parts
    and the intercepts sum to ``raw_overall``)."""
    parts = dict.fromkeys(CRITERION_FEATURES, 0.0)
    ensemble = params.get("trees")
    blend = ensemble["blend"] if ensemble else 0.0
    for name, c, x in zip(params["features"], params["coefficients"], standardise(inputs, params)):
        parts[CRITERION_OF_FEATURE[name]] += (1 - blend) * c * x
    if ensemble:
        x = [inputs[name] for name in params["features"]]
        for tree in ensemble["trees"]:
            criterion = criterion_of_tree(tree, params["features"])
            if criterion is not None:
                parts[criterion] += blend * ensemble["learning_rate"] * tree_output(x, tree)
    return parts


def criterion_evidence(inputs: dict, params: dict) -> dict:
    """Each criterion's part of the prediction, centred on the training essays' mean and weighted
    (``calibration["criteria"]``) so that each criterion spans the band scale."""
    weights = params["calibration"]["criteria"]
    return {c: weights[c]["weight"] * (part - weights[c]["mean"]) for c, part in raw_parts(inputs, params).items()}


def criterion_estimates(values: dict, words: list, params: dict | None = None,
                        inputs: dict | None = None) -> dict:
    """Continuous band of each criterion (not yet rounded or penalised), within 1..9.

    IELTS weighs the four criteria equally and the overall band is their mean; the calibration is
    fitted on the mean of the four criteria's evidence against overall bands and applied to each
    criterion alike, so the criteria average back to the calibrated overall and each one moves with
    its own evidence only.
    """
    params = params or load_model()
    evidence = criterion_evidence(inputs or model_inputs(values, words, params), params)
    calibration = params["calibration"]
    centre = calibration["target_mean"] + calibration.get("source_offset", 0.0)
    estimates = {}
    for criterion, part in evidence.items():
        calibrated = centre + calibration["slope"] * (part - calibration["raw_mean"])
        estimates[criterion] = min(MAX_BAND, max(1.0, stretch_ends(calibrated, centre)))
    return estimates


def predict_overall(values: dict, words: list, params: dict | None = None, inputs: dict | None = None) -> float:
    """Continuous overall band (not yet rounded) of an essay: the mean of its criteria, within 1..9."""
    estimates = criterion_estimates(values, words, params, inputs)
    return sum(estimates.values()) / len(estimates)


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


def penalties(values: dict, params: dict | None = None) -> dict:
    """Bands each criterion loses for evidence beyond the training range or under length."""
    params = params or load_model()
    bounds = {name: (low, high, scale) for name, low, high, scale in
              zip(params["features"], params["lower"], params["upper"], params["scales"])}
    lost = {"task": UNDER_LENGTH_PENALTY * values["under_length"]}
    for name, (direction, criteria) in OUT_OF_RANGE_PENALTIES.items():
        low, high, scale = bounds[name]
        excess = (values[name] - high) if direction > 0 else (low - values[name])
        if excess > 0:
            cost = min(MAX_PENALTY_PER_FEATURE, PENALTY_PER_SD * excess / scale)
            for criterion in criteria:
                lost[criterion] = lost.get(criterion, 0.0) + cost
    return {c: min(MAX_PENALTY_PER_CRITERION, p) for c, p in lost.items()}


def criterion_bands(estimates: dict, lost: dict | None = None) -> dict:
    """Whole-band criterion bands: each criterion's estimate less its penalties (``lost``), rounded to
    the nearest whole band (examiners give each criterion a whole band), within 1..9.

    Each criterion is rounded on its own: the overall band is the IELTS-rounded mean of these, so no
    criterion is moved to make the four meet an overall figure (which would let one criterion's
    evidence move another's band).
    """
    lost = lost or {}
    return {c: float(min(MAX_BAND, max(MIN_SCORED_BAND, math.floor(v - lost.get(c, 0.0) + 0.5))))
            for c, v in estimates.items()}
