"""Exercise 9's runner: transfer the 0–4 network's layers to digits 5–9, one variant or the whole suite."""
from __future__ import annotations

from typing import Any

import keras

from engine.atomic import save_model_atomic
from engine.context import RunContext
from engine.errors import RunError
from engine.experiments.transfer.data import transfer_data
from engine.experiments.transfer.source import Source, find_source
from engine.experiments.transfer.suite import run_suite
from engine.experiments.transfer.variants import run_variant, variant_name
from engine.runs import MODEL_FILE


def load_source_model(source: Source) -> keras.Model:
    """The source network, or a RunError in one sentence when Keras cannot read the file after all."""
    try:
        return keras.models.load_model(source.model_path, compile=False)
    except Exception as error:  # Keras raises ValueError, OSError, KeyError… for a damaged file
        raise RunError(f"The model in run {source.run_id} is damaged or not a Keras file "
                       f"({type(error).__name__}); choose another source with --source.") from None


def run(ctx: RunContext) -> dict[str, Any]:
    """Find the source network, then train one variant (or every variant over several seeds)."""
    p = ctx.params
    source = find_source(ctx)
    ctx.phase("loading the source network", **source.describe())
    source_model = load_source_model(source)
    mnist = ctx.mnist()
    ctx.check_stop()
    if p["suite"]:
        return {**run_suite(ctx, source_model, mnist, p), "source": source.describe()}
    data = transfer_data(mnist, p["per_digit"], p["val_per_digit"], p["seed"], p["test_per_digit"])
    ctx.phase("data ready", sizes=data.split.sizes())
    result, model = run_variant(ctx, source_model, data, p, p["seed"], series=variant_name(p))
    save_model_atomic(model, ctx.run_dir / MODEL_FILE)
    summary = {key: result.get(key) for key in ("variant", "test_accuracy", "best_val_accuracy", "epochs",
                                                "train_seconds", "seconds_per_epoch", "cache_seconds",
                                                "frozen_seconds_per_epoch", "speedup_per_epoch",
                                                "first_epoch_seconds", "frozen_first_epoch_seconds",
                                                "arithmetic_ratio") if key in result}
    return {"summary": summary, "variant": result, "source": source.describe(), "data": data.split.sizes(),
            "model": MODEL_FILE}
