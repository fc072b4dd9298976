"""Test-set evaluation: accuracy plus per-class precision and recall, computed with NumPy."""
from __future__ import annotations

from typing import Any

import numpy as np


def classification_report(y_true: np.ndarray, y_pred: np.ndarray, labels: list[str]) -> dict[str, Any]:
    """Accuracy, a confusion matrix, and precision/recall for each class."""
    n = len(labels)
    confusion = np.zeros((n, n), dtype=np.int64)
    np.add.at(confusion, (y_true, y_pred), 1)
    per_class = {}
    for i, label in enumerate(labels):
        predicted, actual, hit = confusion[:, i].sum(), confusion[i, :].sum(), confusion[i, i]
        per_class[label] = {"precision": float(hit / predicted) if predicted else 0.0,
                            "recall": float(hit / actual) if actual else 0.0, "support": int(actual)}
    return {"accuracy": float(np.trace(confusion) / max(confusion.sum(), 1)), "per_class": per_class,
            "confusion": confusion.tolist()}
