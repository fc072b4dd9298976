"""Regularization on a training set small enough to overfit: what each regularizer does to the train/validation gap."""
from __future__ import annotations

from typing import Any

import keras
import numpy as np

from engine.context import RunContext
from engine.data import Split, sample_per_class
from engine.experiments.demos import common
from engine.judges import regularization as judge_reg

VARIANTS = ("none", "ℓ2", "ℓ1", "max-norm", "dropout", "SELU + AlphaDropout")


def small_split(ctx: RunContext, per_class: int, val_per_class: int, seed: int) -> Split:
    """Few training images per digit (so the network can memorize them) and many validation images (so the gap is
    measured precisely), disjoint; the test arrays are the validation ones (this experiment does not test)."""
    mnist = ctx.mnist()
    train, val = sample_per_class(mnist.y_train, per_class, val_per_class, seed)
    split = Split(mnist.x_train[train], mnist.y_train[train].astype(np.int32), mnist.x_train[val],
                  mnist.y_train[val].astype(np.int32), mnist.x_train[val], mnist.y_train[val].astype(np.int32))
    ctx.phase("data ready", sizes={"train": len(train), "val": len(val)})
    return split


def build(variant: str, p: dict[str, Any], seed: int, split: Split) -> keras.Model:
    """The same stack with one regularizer."""
    he = common.seeded("he_normal", seed)
    depth, units = p["hidden_layers"], p["units"]
    if variant == "ℓ2":
        return common.dense_stack(depth, units, "elu", he, seed=seed, kernel_regularizer=keras.regularizers.l2(p["l2"]))
    if variant == "ℓ1":
        return common.dense_stack(depth, units, "elu", he, seed=seed, kernel_regularizer=keras.regularizers.l1(p["l1"]))
    if variant == "max-norm":
        return common.dense_stack(depth, units, "elu", he, seed=seed,
                                  kernel_constraint=lambda: keras.constraints.MaxNorm(p["max_norm"], axis=0))
    if variant == "dropout":
        return common.dense_stack(depth, units, "elu", he, seed=seed, dropout=p["dropout"])
    if variant == "SELU + AlphaDropout":  # SELU wants LeCun initialization and standardized inputs
        return common.dense_stack(depth, units, "selu", common.seeded("lecun_normal", seed), seed=seed,
                                  dropout=p["alpha_dropout"], alpha_dropout=True,
                                  inputs=common.standardizer(split.x_train))
    return common.dense_stack(depth, units, "elu", he, seed=seed)


def scores(model: keras.Model, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Accuracy and mean cross-entropy in inference mode (dropout off, no penalty terms)."""
    probabilities = model.predict(x, batch_size=1024, verbose=0)
    picked = np.clip(probabilities[np.arange(len(y)), y], 1e-12, 1.0)
    return float(np.mean(probabilities.argmax(axis=1) == y)), float(-np.mean(np.log(picked)))


def near_zero_share(model: keras.Model, threshold: float) -> float:
    """Share of the Dense kernels' weights whose magnitude is below the threshold."""
    kernels = [np.abs(layer.kernel.numpy()).ravel() for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    weights = np.concatenate(kernels)
    return float(np.mean(weights < threshold))


def run(ctx: RunContext) -> dict[str, Any]:
    """Train every variant for every seed; measure train and validation accuracy, their gap and near-zero weights."""
    p = ctx.params
    split = small_split(ctx, p["per_class"], p["val_per_class"], p["seed"])
    seeds = [p["seed"] + i for i in range(p["seeds"])]
    by: dict[str, dict[str, list[float]]] = {v: {"train_accuracy": [], "val_accuracy": [], "train_loss": [],
                                                 "val_loss": [], "near_zero": []} for v in VARIANTS}
    epochs = 0
    for index, seed in enumerate(seeds):
        for variant in VARIANTS:
            keras.utils.set_random_seed(seed)
            model = build(variant, p, seed, split)
            trained = common.fit(ctx, model, split, series=variant if index == 0 else f"{variant} · seed {seed}",
                                 epochs=p["epochs"], batch_size=p["batch_size"], seed=seed,
                                 optimizer=keras.optimizers.Adam(p["learning_rate"]))
            epochs += trained["epochs"]
            record = by[variant]
            for part, x, y in (("train", split.x_train, split.y_train), ("val", split.x_val, split.y_val)):
                acc, loss = scores(model, np.asarray(x, dtype=np.float32), y)
                record[f"{part}_accuracy"].append(acc)
                record[f"{part}_loss"].append(loss)
            record["near_zero"].append(near_zero_share(model, p["near_zero"]))
        ctx.check_stop()
    numbers = {"seeds": seeds, "train_images": len(split.y_train), "near_zero_threshold": p["near_zero"],
               "by_variant": by}
    rows = [[v, np.mean(f["train_accuracy"]), np.mean(f["val_accuracy"]),
             float(np.mean(f["train_accuracy"]) - np.mean(f["val_accuracy"])),
             float(np.mean(f["val_loss"]) - np.mean(f["train_loss"])), np.mean(f["near_zero"])] for v, f in by.items()]
    results = common.table(ctx, "regularization", f"{len(split.y_train)} training images, {p['epochs']} epochs, mean "
                           f"over {len(seeds)} seeds (accuracies measured with dropout off)",
                           ["regularizer", "train acc", "val acc", "acc gap", "loss gap",
                            f"share |w| < {p['near_zero']:g}"], rows)
    judged = judge_reg.judge(numbers)
    return {"summary": {"epochs": epochs, "best_val_accuracy": max(float(np.mean(f["val_accuracy"])) for f in by.values())},
            "tables": {"regularization": results}, "data": {"train": len(split.y_train), "val": len(split.y_val)},
            "verdict": common.emit_verdict(ctx, judged)}
