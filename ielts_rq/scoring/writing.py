"""Scoring a writing answer (Task 1 or Task 2) with the fitted model."""

from __future__ import annotations

from . import descriptors, feedback, fixed, ordering
from .features import analyse_essay
from .model import consistent_criterion_bands, criterion_shifts, load_model, model_inputs, penalties, predict_overall
from .rules import CRITERIA, SHORT_TEXT_WORDS, mean_band

# Share of held-out essays the model placed within half a band of the
# examiner (prompt-grouped cross-validation, see bench/scorer_agreement.py):
# the starting point of the confidence figure.
BASE_CONFIDENCE = 0.63
# Criterion bands are derived from the overall band (there are no
# criterion-level labels to fit), so they are less certain than the overall.
CRITERION_CONFIDENCE_FACTOR = 0.85


def score_writing(task_type: str, text: str, prompt: str | None) -> dict:
    """Bands, confidence, feedback and features of a writing answer."""
    params = load_model()
    values, evidence, doc = analyse_essay(task_type, text, prompt)
    if evidence["word_count"] <= SHORT_TEXT_WORDS:  # once copied, repeated and foreign text is set aside
        return fixed.too_short(task_type, evidence["word_count"], _set_aside_note(evidence["originality"]))
    words = doc.words
    task_criterion = CRITERIA[task_type][0]
    predicted, lost, bands, limits = writing_bands(task_type, values, evidence, words, params)
    confidence = _confidence(values, evidence, params, prompt)

    notes = {
        task_criterion: feedback.task_feedback(task_type, values, evidence, limits, bands[task_criterion]),
        "coherence_cohesion": feedback.coherence_feedback(values, evidence, limits, bands["coherence_cohesion"]),
        "lexical_resource": feedback.lexical_feedback(values, evidence, words, limits, bands["lexical_resource"]),
        "grammatical_range_accuracy": feedback.grammar_feedback(values, evidence, limits,
                                                                bands["grammatical_range_accuracy"]),
    }
    criteria = []
    for criterion in CRITERIA[task_type]:
        criteria.append({
            "criterion": criterion,
            "band_score": bands[criterion],
            "confidence": round(confidence * CRITERION_CONFIDENCE_FACTOR, 3),
            "feedback": feedback.criterion_feedback_text(criterion, bands[criterion], notes[criterion]),
            **notes[criterion],
        })
    overall = mean_band(bands.values())
    return {
        "overall_band_score": overall,
        "confidence": confidence,
        "criteria_scores": criteria,
        "detailed_feedback": feedback.overall_feedback(overall, criteria),
        "feature_analysis": _feature_analysis(values, evidence, predicted, lost, prompt,
                                              task_criterion),
    }


def writing_bands(task_type: str, values: dict, evidence: dict, words: list, params: dict) -> tuple:
    """(predicted overall, penalties, whole-band criterion bands, descriptor caps) of an essay.

    The model's bands are capped where the descriptors set a ceiling; the overall band the
    learner sees is the IELTS-rounded mean of the capped criteria. ``bench/scorer_agreement.py``
    scores held-out essays through this same function.
    """
    task_criterion = CRITERIA[task_type][0]
    inputs = model_inputs(values, words, params)  # the vocabulary model's score is computed once
    predicted = predict_overall(values, words, params, inputs)
    shifts = criterion_shifts(values, words, params, inputs)
    lost = penalties(values, params)
    bands = consistent_criterion_bands(predicted, shifts, lost)
    task_number = 1 if task_type == "writing_task_1" else 2
    limits = descriptors.caps(task_number, evidence, values) + gaming_caps(task_number, evidence, bands)
    capped = descriptors.apply(bands, limits)
    return predicted, lost, {(task_criterion if c == "task" else c): b for c, b in capped.items()}, limits


# A trick found costs TRICK_COST criterion bands below what the model gave the answer, spread over the criteria
# it games: two bands lower the mean of the four by half a band, so the overall band falls too (one band can
# vanish in the IELTS rounding, 5.75 -> 6.0), and the model's bands may already have been raised by the trick.
TRICK_COST = 2
# Notes instead of an essay: the task itself is not done (Task 2 asks for continuous prose), and the line breaks
# raise the features the model reads (short "sentences", many "paragraphs"): two bands each on TR and CC.
NOTES_COST = 4
NOTES_REASON = "Not continuous prose"
# An answer without paragraphs loses one band of Coherence (the descriptors' ceiling of 5 aside): many real
# answers arrive in one block, and paragraphing is one part of one criterion.
PARAGRAPHING_COST = 1
# Share of an essay's words in sentences repeating earlier ones (originality) that is padding: on the calibration
# set's Task 2 essays the share is 0 up to the 99.5th percentile.
REPEATED_TRICK_SHARE = 0.08


def gaming_caps(task_number: int, evidence: dict, bands: dict) -> list:
    """Ceilings for what the descriptors do not credit: each trick found lowers the criteria it games."""
    if task_number != 2:
        return []
    found = []
    for criteria, cost, reason in _tricks(evidence):
        for criterion, ceiling in criteria.items():
            lowered = int(bands[criterion]) - cost // len(criteria)
            found.append(descriptors.Cap(criterion, max(1, min(ceiling, lowered)), reason))
    return found


def _tricks(evidence: dict) -> list:
    """(criteria gamed with their ceilings, bands it costs, the reason the learner reads) of each trick found."""
    task, cc, lr = descriptors.TASK, descriptors.CC, descriptors.LR
    tricks = []
    if recited := evidence.get("recited"):
        listed = ", ".join(f"'{p}'" for p in list(dict.fromkeys(p.lower() for p in recited))[:3])
        tricks.append(({lr: 6, cc: 6}, TRICK_COST,  # stock openers stand in for the links between ideas
                       f"{len(recited)} idioms and stock phrases ({listed}, ...) are strung together: memorised "
                       "language is not credited as the learner's own vocabulary or linking."))
    if restated := evidence.get("restated"):
        tricks.append(({task: 9, cc: 9}, TRICK_COST,
                       f"{len(restated)} sentences say again in other words what earlier ones said, e.g. "
                       f"\"{restated[0][:100]}\": restated ideas are not developed ideas."))
    own = evidence["originality"]
    if own.repeated_share >= REPEATED_TRICK_SHARE:
        tricks.append(({task: 9, cc: 9}, TRICK_COST,
                       f"{len(own.repeated)} sentences repeat earlier ones (e.g. \"{own.repeated[0][:100]}\"): the "
                       "answer is padded with text it already has, and the repeats were not counted."))
    if misfits := evidence.get("thesaurus"):
        listed = ", ".join(f"'{w}'" for w in misfits[:4])
        tricks.append(({lr: 6}, TRICK_COST,
                       f"{len(misfits)} rare words ({listed}, ...) are not used as essays use them: words taken from "
                       "a thesaurus in the wrong sense or register are errors of word choice, not a wide vocabulary."))
    displaced = evidence.get("displacement")
    if displaced is not None and displaced < ordering.DISPLACED_BELOW:
        tricks.append(({cc: 5}, TRICK_COST,
                       "Sentences are out of place: a conclusion or an example where it does not belong, or a "
                       "paragraph opening that refers back to nothing, so the ideas do not progress."))
    layout = evidence.get("layout") or {}
    if layout.get("notes"):
        tricks.append(({task: 5, cc: 5}, NOTES_COST,
                       f"{NOTES_REASON}: {layout['notes_share']:.0%} of the answer is notes or bullet points, and "
                       "Task 2 asks for an essay in paragraphs."))
    elif layout.get("sentence_lines") or (evidence["paragraph_count"] <= 1
                                          and evidence["word_count"] >= descriptors.NO_PARAGRAPHS_MIN_WORDS):
        tricks.append(({cc: 5}, PARAGRAPHING_COST,
                       "The answer is not organised into paragraphs (one block, or every sentence on a line of its "
                       "own): without paragraphing, Coherence and Cohesion cannot go above band 5."))
    return tricks


def _set_aside_note(own) -> str:
    parts = [f"{own.copied_words} copied from the question" if own.copied_words else "",
             f"{len(own.repeated)} repeated sentences" if own.repeated else "",
             f"{len(own.foreign)} sentences in another language" if own.foreign else "",
             f"{len(own.addressed)} sentences addressed to the examiner" if own.addressed else ""]
    listed = ", ".join(p for p in parts if p)
    return f" of its own ({listed} set aside)" if listed else ""


def _confidence(values: dict, evidence: dict, params: dict, prompt: str | None) -> float:
    """Lower confidence when the essay lies outside what the model was fitted on."""
    outside = sum(1 for name, low, high in zip(params["features"], params["lower"], params["upper"])
                  if name in values and not low <= values[name] <= high)
    confidence = BASE_CONFIDENCE - 0.03 * outside
    if prompt is None:
        confidence -= 0.05
    if evidence["word_count"] < evidence["min_words"] / 2:
        confidence -= 0.1
    return round(max(0.2, min(0.9, confidence)), 3)


def _feature_analysis(values: dict, evidence: dict, predicted: float, lost: dict,
                      prompt: str | None, task_criterion: str) -> dict:
    grammar = evidence["grammar"]
    weak = [("criterion bands are the predicted overall band adjusted by each criterion's own "
             "features; only overall bands were available to calibrate on")]
    weak_criteria = [] if prompt else [task_criterion]
    return {
        "word_count": evidence["word_count"],
        "min_words": evidence["min_words"],
        "under_length": evidence["word_count"] < evidence["min_words"],
        "sentence_count": evidence["sentence_count"],
        "paragraph_count": evidence["paragraph_count"],
        "spelling_errors": len(evidence["misspellings"]),
        "misspelled_words": sorted({slip.word for slip in evidence["misspellings"]}),
        "lexical_diversity_mtld": round(values["mtld"], 2),
        "lexical_diversity_window_ttr": round(values["window_ttr"], 3),
        "mean_word_zipf": round(values["mean_zipf"], 2),
        "less_common_words": evidence["advanced_words"],
        "mean_sentence_length": round(values["mean_sentence_length"], 1),
        "sentence_length_sd": round(values["sentence_length_sd"], 1),
        "linking_words": evidence["linking"]["counts"],
        "overused_linking_words": evidence["linking"]["overused"],
        "grammar_slips": [slip.words for slip in grammar["slips"]],
        "lowercase_i": grammar["lowercase_i"],
        "lowercase_sentence_starts": grammar["lowercase_sentence_starts"],
        "run_on_sentences": len(grammar["run_on_sentences"]),
        "complex_sentence_share": round(values["complex_sentence_share"], 2),
        "prompt_overlap": None if evidence["prompt_overlap"] is None else round(evidence["prompt_overlap"], 2),
        "task_moves": evidence["task_moves"],
        "predicted_overall_unrounded": round(predicted, 3),
        "band_penalties": {c: round(p, 2) for c, p in lost.items() if p > 0},
        "weak_evidence": weak_criteria,
        "notes": weak + ([] if prompt else ["no prompt given: relevance to the question not checked"]),
    }
