#!/usr/bin/python3
"""Writes src/test/resources/gate/fixture.json: a seeded dataset and its metrics computed independently of Nightshift
(scikit-learn, scipy and numpy), which GateStatisticsTests compares the gate's Java statistics with.

Run from the repository root with Debian's python3-sklearn and python3-scipy:
    /usr/bin/python3 src/test/python/gate_fixture.py
"""
import json
import pathlib

import numpy as np
from scipy import stats
from sklearn.metrics import (accuracy_score, average_precision_score, brier_score_loss, f1_score, log_loss,
                             precision_score, recall_score, roc_auc_score)

SEED = 20261202
ROWS = 2000
THRESHOLD = 0.5
EPS = 1e-15
RESAMPLES = 5000

rng = np.random.default_rng(SEED)
labels = (rng.random(ROWS) < 0.3).astype(int)
noise = rng.normal(size=ROWS)
candidate = 1 / (1 + np.exp(-(-0.9 + 1.7 * labels + noise)))
production = 1 / (1 + np.exp(-(-0.9 + 1.4 * labels + 0.8 * noise + 0.6 * rng.normal(size=ROWS))))
# Production's scores on a 0.01 grid: many ties, which AUC and average precision must treat as sklearn does.
production = np.round(production, 2)
# Scores of exactly 0 and 1 on the wrong label exercise log loss clipping.
candidate[np.argmax(labels == 1)] = 0.0
candidate[np.argmax(labels == 0)] = 1.0
regions = rng.choice(["north", "south", "east", "west"], size=ROWS, p=[0.4, 0.3, 0.2, 0.1])


def ece(y, s, bins=10):
    index = np.minimum(np.floor(s * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            total += mask.sum() / len(s) * abs(s[mask].mean() - y[mask].mean())
    return total


def reliability(y, s, bins=10):
    index = np.minimum(np.floor(s * bins).astype(int), bins - 1)
    points = []
    for b in range(bins):
        mask = index == b
        points.append({"count": int(mask.sum()),
                       "mean_score": float(s[mask].mean()) if mask.any() else None,
                       "positive_rate": float(y[mask].mean()) if mask.any() else None})
    return points


def metrics(y, s):
    predicted = (s >= THRESHOLD).astype(int)
    clipped = np.clip(s, EPS, 1 - EPS)
    return {
        "roc_auc": roc_auc_score(y, s),
        "pr_auc": average_precision_score(y, s),
        "log_loss": log_loss(y, clipped, eps=EPS),
        "brier": brier_score_loss(y, s),
        "accuracy": accuracy_score(y, predicted),
        "precision": precision_score(y, predicted, zero_division=0),
        "recall": recall_score(y, predicted, zero_division=0),
        "f1": f1_score(y, predicted, zero_division=0),
        "ece": ece(y, s),
    }


def collapse(s):
    positive_share = float((s >= THRESHOLD).mean())
    hundredths = np.floor(s * 100 + 0.5).astype(int)
    values, counts = np.unique(hundredths, return_counts=True)
    mode = values[np.argmax(counts)] / 100.0  # argmax takes the first, i.e. smallest, on a tie
    return {
        "majority_share": max(positive_share, 1 - positive_share),
        "score_std": float(np.std(s)),
        "distinct_scores": int(len(np.unique(np.round(s * 1e4)))),
        "score_mode": mode,
        "mode_share": float((np.abs(s - mode) <= 0.01).mean()),
    }


def psi(expected, actual):
    edges = np.unique(np.quantile(expected, np.arange(1, 10) / 10))
    e = np.bincount(np.searchsorted(edges, expected, side="left"), minlength=len(edges) + 1) / len(expected)
    a = np.bincount(np.searchsorted(edges, actual, side="left"), minlength=len(edges) + 1) / len(actual)
    e = np.maximum(e, 1e-4)
    a = np.maximum(a, 1e-4)
    return float(np.sum((a - e) * np.log(a / e))), edges.tolist()


def bootstrap(y, c, p):
    """The paired, label-stratified percentile bootstrap of candidate - production, as the gate does it."""
    generator = np.random.default_rng(SEED + 1)
    positives = np.flatnonzero(y == 1)
    negatives = np.flatnonzero(y == 0)
    names = ["roc_auc", "pr_auc", "log_loss", "brier", "accuracy", "f1", "ece"]
    differences = {name: [] for name in names}
    for _ in range(RESAMPLES):
        rows = np.concatenate([generator.choice(positives, len(positives)), generator.choice(negatives, len(negatives))])
        mc = metrics(y[rows], c[rows])
        mp = metrics(y[rows], p[rows])
        for name in names:
            differences[name].append(mc[name] - mp[name])
    return {name: {"ci_low": float(np.quantile(values, 0.025)), "ci_high": float(np.quantile(values, 0.975)),
                   "sd": float(np.std(values)), "resamples": RESAMPLES}
            for name, values in differences.items()}


reference = rng.normal(0.0, 1.0, size=2000)
recent = rng.normal(0.15, 1.1, size=1500)
ks = stats.ks_2samp(reference, recent)
feature_psi, feature_edges = psi(reference, recent)
score_psi, score_edges = psi(production, candidate)

slices = {}
for region in sorted(set(regions)):
    mask = regions == region
    slices[region] = {"rows": int(mask.sum()), "candidate": metrics(labels[mask], candidate[mask]),
                      "production": metrics(labels[mask], production[mask])}

fixture = {
    "seed": SEED,
    "threshold": THRESHOLD,
    "rows": {"label": labels.tolist(), "candidate": candidate.tolist(), "production": production.tolist(),
             "region": regions.tolist()},
    "expected": {
        "candidate": metrics(labels, candidate),
        "production": metrics(labels, production),
        "candidate_reliability": reliability(labels, candidate),
        "candidate_collapse": collapse(candidate),
        "production_collapse": collapse(production),
        "score_psi": {"psi": score_psi, "edges": score_edges},
        "slices": slices,
        "bootstrap": bootstrap(labels, candidate, production),
    },
    "drift": {"reference": reference.tolist(), "recent": recent.tolist(), "psi": feature_psi, "edges": feature_edges,
              "ks_statistic": float(ks.statistic), "ks_p_value": float(ks.pvalue)},
}
out = pathlib.Path(__file__).resolve().parents[1] / "resources" / "gate" / "fixture.json"
out.write_text(json.dumps(fixture, indent=None, separators=(",", ":")) + "\n")
print(f"wrote {out} ({out.stat().st_size} bytes); KS p-value {ks.pvalue:.4g}, feature PSI {feature_psi:.4f}")
