"""Train one transfer variant for one seed: frozen, cached or scratch, optionally a fine-tuning phase."""
from __future__ import annotations

import time
from typing import Any

import keras
import numpy as np

from engine.context import RunContext
from engine.experiments.transfer import models
from engine.experiments.transfer.augment import random_shifts
from engine.experiments.transfer.data import DIGITS, TransferData
from engine.training.evaluate import classification_report
from engine.training.loop import EpochLoop, LoopResult, predict_classes

LABELS = [str(d) for d in DIGITS]


def variant_name(p: dict[str, Any]) -> str:
    """The preset name these settings correspond to (frozen-5, unfreeze-2, …) or a description."""
    mode, k, u = p["mode"], p["reuse_layers"], p["unfreeze_layers"]
    if mode == "scratch":
        return f"scratch-{k}" if k != 4 else "scratch"
    if u:
        top = "all" if u >= k else str(u)
        return f"unfreeze-{top}" if k == 4 else f"unfreeze-{top} of {k}"
    return f"{mode}-{k}"


def run_variant(ctx: RunContext, source: keras.Model, data: TransferData, p: dict[str, Any], seed: int,
                series: str) -> tuple[dict[str, Any], keras.Model]:
    """Train the variant the parameters describe; return its result and the trained model."""
    keras.utils.set_random_seed(seed)
    split, tags = data.split, {"series": series}
    fresh = p["mode"] == "scratch"
    body = models.build_body(source, p["reuse_layers"], fresh_seed=seed if fresh else None)
    if not fresh:
        models.freeze(body)
    head = models.build_head(seed)
    model = models.assemble(body, head)
    result: dict[str, Any] = {"variant": variant_name(p), "seed": seed, "mode": p["mode"],
                              "reuse_layers": p["reuse_layers"], "trainable_params": _trainable(model)}
    if p["mode"] == "cached":
        first, timing = _train_cached(ctx, source, body, head, data, p, seed, tags)
        result.update(timing)
    else:
        ctx.phase("training from scratch" if fresh else "training the new head on frozen layers", **tags)
        loop = EpochLoop(model, keras.optimizers.Adam(p["learning_rate"]), split.x_train, split.y_train,
                         p["batch_size"], seed, xla=p["xla"], augment=_shifts(p) if fresh else None)
        first = _fit(ctx, loop, split, p, tags, offset=0)
    phases = [_phase("scratch" if fresh else "frozen", first, _test(model, split))]
    if p["unfreeze_layers"] and p["mode"] == "frozen":
        ctx.check_stop()
        names = models.unfreeze_top(body, p["unfreeze_layers"])
        ctx.phase("fine-tuning unfrozen layers", layers=names, learning_rate=p["fine_tune_learning_rate"], **tags)
        # a new optimizer and loop over the new trainable set: the equivalent of compiling again
        loop = EpochLoop(model, keras.optimizers.Adam(p["fine_tune_learning_rate"]), split.x_train,
                         split.y_train, p["batch_size"], seed + 1, xla=p["xla"], augment=_shifts(p))
        second = _fit(ctx, loop, split, p, tags, offset=first.epochs)
        phases.append({**_phase("unfrozen", second, _test(model, split)), "layers": names})
        result["trainable_params_fine_tuning"] = _trainable(model)
    last = phases[-1]
    result.update({
        "test_accuracy": last["test_accuracy"],
        "best_val_accuracy": max(ph["best_val_accuracy"] for ph in phases if ph["best_val_accuracy"] is not None),
        "epochs": sum(ph["epochs"] for ph in phases),
        "train_seconds": round(sum(ph["train_seconds"] for ph in phases), 4),
        "seconds_per_epoch": phases[0]["seconds_per_epoch"],
        "phases": phases,
    })
    return result, model


def _shifts(p: dict[str, Any]) -> Any:
    """Shifted images for phases whose pixel-facing layers learn (a frozen body's head sees fixed features)."""
    return random_shifts(p["shift_pixels"]) if p["shift_pixels"] else None


def _fit(ctx: RunContext, loop: EpochLoop, split: Any, p: dict[str, Any], tags: dict[str, str],
         offset: int, x_val: np.ndarray | None = None) -> LoopResult:
    return loop.fit(p["epochs"], split.x_val if x_val is None else x_val, split.y_val, patience=p["patience"],
                    events=ctx.events, stop=ctx.stop, tags=tags, epoch_offset=offset,
                    total_epochs=offset + p["epochs"])


def _train_cached(ctx: RunContext, source: keras.Model, body: keras.Sequential, head: keras.layers.Dense,
                  data: TransferData, p: dict[str, Any], seed: int,
                  tags: dict[str, str]) -> tuple[LoopResult, dict[str, Any]]:
    """Compute the frozen layers' outputs once, train the head on them, and time the frozen twin."""
    split = data.split
    ctx.phase("caching the frozen layers' outputs", **tags)
    started = time.perf_counter()
    features = {name: _features(body, x) for name, x in
                (("train", split.x_train), ("val", split.x_val))}
    cache_seconds = time.perf_counter() - started
    ctx.phase("training the head on cached outputs", cache_seconds=round(cache_seconds, 4), **tags)
    loop = EpochLoop(models.head_model(head, models.width_of(body)), keras.optimizers.Adam(p["learning_rate"]),
                     features["train"], split.y_train, p["batch_size"], seed, xla=p["xla"])
    trained = _fit(ctx, loop, split, p, tags, offset=0, x_val=features["val"])
    ctx.check_stop()
    ctx.phase("timing the same training without the cache", epochs=p["timing_epochs"], **tags)
    twin_body = models.build_body(source, p["reuse_layers"])
    models.freeze(twin_body)
    twin = models.assemble(twin_body, models.build_head(seed))
    twin_loop = EpochLoop(twin, keras.optimizers.Adam(p["learning_rate"]), split.x_train, split.y_train,
                          p["batch_size"], seed, xla=p["xla"])
    frozen_timing = twin_loop.fit(p["timing_epochs"], stop=ctx.stop)
    cached_epoch, frozen_epoch = trained.seconds_per_epoch, frozen_timing.seconds_per_epoch
    return trained, {
        "cache_seconds": round(cache_seconds, 4),
        "frozen_seconds_per_epoch": _round(frozen_epoch),
        # the first epoch traces (and with XLA compiles) each loop: its cost, apart from the steady epochs
        "first_epoch_seconds": _round(trained.epoch_seconds[0] if trained.epoch_seconds else None),
        "frozen_first_epoch_seconds": _round(frozen_timing.epoch_seconds[0] if frozen_timing.epoch_seconds else None),
        "speedup_per_epoch": round(frozen_epoch / cached_epoch, 2) if cached_epoch and frozen_epoch else None,
        "arithmetic_ratio": round(models.arithmetic_ratio(body, models.width_of(body)), 1),
    }


def _features(body: keras.Sequential, x: np.ndarray) -> np.ndarray:
    return keras.ops.convert_to_numpy(body(np.asarray(x, dtype=np.float32), training=False))


def _test(model: keras.Model, split: Any) -> dict[str, Any]:
    return classification_report(split.y_test, predict_classes(model, split.x_test), labels=LABELS)


def _phase(name: str, trained: LoopResult, test: dict[str, Any]) -> dict[str, Any]:
    val = trained.history.get("val_accuracy", [])
    return {"phase": name, "epochs": trained.epochs, "best_epoch": trained.best_epoch,
            "best_val_accuracy": max(val) if val else None, "test_accuracy": test["accuracy"],
            "train_seconds": round(trained.train_seconds, 4), "seconds_per_epoch": _round(trained.seconds_per_epoch),
            "stopped": trained.stopped, "test": test}


def _trainable(model: keras.Model) -> int:
    return int(sum(np.prod(v.shape) for v in model.trainable_variables))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
