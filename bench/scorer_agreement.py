"""Agreement of the built-in writing scorer with examiners' overall bands.

Usage: python bench/scorer_agreement.py ESSAYS_CSV [--folds 5]

Prompt-grouped k-fold cross-validation: the model is refitted on each
training fold with bench/fit_scorer.py's code, and the held-out essays (whose
prompts never appear in training) are scored with the runtime prediction
code (criterion bands, penalties, IELTS rounding of their mean). Prints QWK (on half-band classes), MAE, exact
agreement and agreement within 0.5 and 1.0 bands.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import cohen_kappa_score
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fit_scorer import feature_matrix, fit_params, load_essays, prompt_groups

from ielts_rq.scoring.rules import mean_band
from ielts_rq.scoring.writing import writing_bands


def agreement(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """QWK on half-band classes, MAE, and the shares exact / within 0.5 / within 1.0."""
    errors = np.abs(y_true - y_pred)
    return {
        "qwk": cohen_kappa_score(np.rint(y_true * 2).astype(int), np.rint(y_pred * 2).astype(int),
                                 weights="quadratic"),
        "mae": float(errors.mean()),
        "exact": float((errors < 0.01).mean()),
        "within_0_5": float((errors <= 0.5 + 1e-9).mean()),
        "within_1_0": float((errors <= 1.0 + 1e-9).mean()),
    }


def cross_validated_predictions(csv_path: str, folds: int, own_scale: bool = True) -> tuple:
    """(labels, rounded out-of-fold predictions, essays) under prompt-grouped CV.

    ``own_scale`` scores on the calibration labels' own scale (without fit_scorer.SOURCE_OFFSET);
    otherwise as shipped.
    """
    essays = load_essays(csv_path)
    names, X, word_lists, evidence = feature_matrix(essays)
    y = np.array([e["band"] for e in essays])
    groups = prompt_groups(essays)
    predictions = np.empty(len(y))
    for train, test in GroupKFold(n_splits=folds).split(X, y, groups):
        params = fit_params(names, X[train], [word_lists[i] for i in train], y[train],
                            groups[train])
        if own_scale:
            params["calibration"]["source_offset"] = 0.0
        for i in test:
            values = dict(zip(names, X[i].tolist()))
            _, _, bands, _ = writing_bands(essays[i]["task_type"], values, evidence[i], word_lists[i], params)
            predictions[i] = mean_band(bands.values())
    return y, predictions, essays


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv_path")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--as-shipped", action="store_true",
                        help="include the source offset (bands as learners see them), not the labels' own scale")
    args = parser.parse_args(argv)
    y, predictions, essays = cross_validated_predictions(args.csv_path, args.folds, own_scale=not args.as_shipped)
    print(f"{len(y)} essays, {len(set(prompt_groups(essays)))} prompts, "
          f"prompt-grouped {args.folds}-fold CV")
    for label, mask in (("all", np.ones(len(y), bool)),
                        ("task 1", np.array([e["task_type"] == "writing_task_1" for e in essays])),
                        ("task 2", np.array([e["task_type"] == "writing_task_2" for e in essays]))):
        scores = agreement(y[mask], predictions[mask])
        print(f"{label:7s} QWK {scores['qwk']:.3f}  MAE {scores['mae']:.3f}  "
              f"exact {scores['exact']:.1%}  within 0.5 {scores['within_0_5']:.1%}  "
              f"within 1.0 {scores['within_1_0']:.1%}")
    print(f"label sd {y.std():.3f}, prediction sd {predictions.std():.3f}")
    print("bias (prediction - label) by label: " + ", ".join(
        f"{name} {bias:+.2f} (n={n})" for name, bias, n in bucket_bias(y, predictions)))


BUCKETS = (("<=5.0", 0, 5.0), ("5.5-6.0", 5.5, 6.0), ("6.5-7.0", 6.5, 7.0), ("7.5-8.0", 7.5, 8.0), (">=8.5", 8.5, 9))


def bucket_bias(y: np.ndarray, predictions: np.ndarray) -> list:
    """(bucket, mean prediction - label, essays) overall and per band bucket of the labels."""
    rows = [("overall", float(np.mean(predictions - y)), len(y))]
    for name, low, high in BUCKETS:
        mask = (y >= low) & (y <= high)
        rows.append((name, float(np.mean(predictions[mask] - y[mask])), int(mask.sum())))
    return rows


if __name__ == "__main__":
    main()
