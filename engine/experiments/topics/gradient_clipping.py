"""Vanishing and exploding gradients measured layer by layer, and what clipping by norm or value does to them."""
from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from engine.context import RunContext
from engine.experiments.demos import common
from engine.judges import gradient_clipping as judge_clipping

CLIPS = ("none", "clipnorm", "clipvalue")


def settings(p: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The three deep stacks: the old default that vanishes, the modern one, and one pushed to explode."""
    return {
        "sigmoid + normal(0, 1)": {"activation": "sigmoid", "init": lambda i: keras.initializers.RandomNormal(
            0.0, 1.0, seed=p["seed"] + i), "learning_rate": p["learning_rate"]},
        "ELU + He": {"activation": "elu", "init": common.seeded("he_normal", p["seed"]),
                     "learning_rate": p["learning_rate"]},
        "ELU + He, large rate": {"activation": "elu", "init": common.seeded("he_normal", p["seed"]),
                                 "learning_rate": p["explode_learning_rate"]},
    }


class LayerGradients(keras.callbacks.Callback):
    """Norm of the loss gradient for each Dense kernel on a fixed probe batch, before training and after each epoch.

    These are the raw gradients (before any clipping), which is what clipping acts on.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        super().__init__()
        self.x, self.y = tf.constant(x), tf.constant(y)
        self.norms: list[list[float | None]] = []  # one row per measurement, one value per layer (bottom first)
        self.loss = keras.losses.SparseCategoricalCrossentropy()

    def measure(self) -> None:
        """Append one row of per-layer gradient norms (None where they are not finite)."""
        kernels = [layer.kernel for layer in self.model.layers if isinstance(layer, keras.layers.Dense)]
        with tf.GradientTape() as tape:
            loss = self.loss(self.y, self.model(self.x, training=True))
        row = [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]
        self.norms.append([v if math.isfinite(v) else None for v in row])

    def on_train_begin(self, logs: dict | None = None) -> None:
        if not self.norms:
            self.measure()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.measure()


def run(ctx: RunContext) -> dict[str, Any]:
    """Train each setting with no clipping, clipnorm and clipvalue; record losses and per-layer gradient norms."""
    p = ctx.params
    split = common.demo_split(ctx, range(10), p["per_class"])
    probe = np.asarray(split.x_val[:p["probe_images"]], dtype=np.float32), split.y_val[:p["probe_images"]]
    runs: dict[str, dict[str, Any]] = {}
    charts: dict[str, dict] = {}
    epochs = 0
    for name, setting in settings(p).items():
        for clip in CLIPS:
            keras.utils.set_random_seed(p["seed"])
            model = common.dense_stack(p["hidden_layers"], p["units"], setting["activation"], setting["init"],
                                       seed=p["seed"])
            clipping = {"clipnorm": {"clipnorm": p["clipnorm"]}, "clipvalue": {"clipvalue": p["clipvalue"]}}.get(clip, {})
            gradients = LayerGradients(*probe)
            trained = common.fit(ctx, model, split, series=f"{name} · {clip}", epochs=p["epochs"],
                                 batch_size=p["batch_size"], seed=p["seed"],
                                 optimizer=keras.optimizers.SGD(setting["learning_rate"], **clipping),
                                 callbacks=[gradients, keras.callbacks.TerminateOnNaN()])
            epochs += trained["epochs"]
            losses = trained["history"].get("loss", [])
            runs[f"{name} · {clip}"] = {"setting": name, "clip": clip, "losses": [_finite(v) for v in losses],
                                        "nan": any(not math.isfinite(v) for v in losses),
                                        "gradient_norms": gradients.norms,
                                        "val_accuracy": _finite((trained["history"].get("val_accuracy") or [None])[-1])}
            if clip == "none":
                charts[_slug(name)] = _layer_chart(ctx, name, gradients.norms)
        ctx.check_stop()
    numbers = {"runs": runs, "hidden_layers": p["hidden_layers"]}
    judged = judge_clipping.judge(numbers)
    rows = []
    for r in runs.values():
        first = (r["gradient_norms"] or [[None]])[0]
        rows.append([r["setting"], r["clip"], r["losses"][0] if r["losses"] else None,
                     r["losses"][-1] if r["losses"] else None, max((v for v in r["losses"] if v is not None), default=None),
                     "yes" if r["nan"] else "no", judge_clipping.bottom_top_ratio(first), r["val_accuracy"]])
    results = common.table(ctx, "clipping", f"{p['hidden_layers']} hidden layers of {p['units']} units, SGD, "
                           f"{p['epochs']} epochs", ["setting", "clipping", "first loss", "last loss", "largest loss", "NaN",
                                                    "layer 1 / top gradient at start", "val acc"], rows)
    return {"summary": {"epochs": epochs, "best_val_accuracy": max((r["val_accuracy"] or 0) for r in runs.values())},
            "tables": {"clipping": results}, "charts": charts, "data": split.sizes(),
            "verdict": common.emit_verdict(ctx, judged)}


def _layer_chart(ctx: RunContext, name: str, norms: list[list[float | None]]) -> dict:
    """Gradient norm by layer (bottom to top), one series per measurement, on a log y axis."""
    layers = list(range(1, len(norms[0]) + 1)) if norms else []
    series = {("start" if i == 0 else f"epoch {i}"): (layers, row) for i, row in enumerate(norms)}
    return common.curve(ctx, f"gradients_{_slug(name)}", f"{name}: gradient norm per layer (no clipping)",
                        "layer (1 = bottom, last = output)", "gradient norm (log)", series, y_scale="log")


def _finite(value: Any) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_")
