"""Transfer models: copies of a source network's lower layers (weights copied, not re-drawn) plus a new head."""
from __future__ import annotations

import copy

import keras

from engine.errors import ParamError

N_CLASSES = 5


def hidden_count(source: keras.Model) -> int:
    """How many hidden blocks (Dense layers named hidden1…) the source has."""
    return sum(1 for layer in source.layers if layer.name.startswith("hidden"))


def reused_source_layers(source: keras.Model, k: int) -> list[keras.layers.Layer]:
    """The source's layers from the input up to the end of hidden block k (its BN, activation, dropout)."""
    available = hidden_count(source)
    if k > available:
        raise ParamError(f"The source network has {available} hidden layers, so reuse_layers must be at most "
                         f"{available} (got {k}).")
    names = [layer.name for layer in source.layers]
    end = names.index(f"hidden{k + 1}") if f"hidden{k + 1}" in names else names.index("output")
    return source.layers[:end]


def build_body(source: keras.Model, k: int, fresh_seed: int | None = None) -> keras.Sequential:
    """The reused lower layers as their own model.

    Layers are rebuilt from their configs and the source's weights copied in (`clone_model`
    would draw fresh ones). With `fresh_seed`, the weights are drawn anew instead, seeded
    per layer: the same architecture (dropout included) trained from scratch.
    """
    originals = reused_source_layers(source, k)
    if fresh_seed is None:
        # Reused layers run as in inference: frozen Batch Normalization does so by itself, but Keras
        # applies dropout whenever the model trains, frozen or not, so the source's dropout layers
        # (identity at inference) are left out; the frozen variant then computes what caching does.
        originals = [layer for layer in originals if not isinstance(layer, keras.layers.Dropout)]
    copies = []
    for i, layer in enumerate(originals):
        config = layer.get_config()
        if fresh_seed is not None:
            config = _reseeded(config, fresh_seed * 1000 + i)
        copies.append(layer.__class__.from_config(config))
    body = keras.Sequential([keras.Input(source.input_shape[1:], name="pixels"), *copies], name="reused")
    if fresh_seed is None:
        for original, made in zip(originals, copies):
            made.set_weights(original.get_weights())
    return body


def _reseeded(config: dict, seed: int) -> dict:
    """A layer config whose initializers carry a new seed (the saved ones repeat the source's draw)."""
    config = copy.deepcopy(config)
    for key in ("kernel_initializer", "bias_initializer"):
        initializer = config.get(key)
        if isinstance(initializer, dict) and "seed" in initializer.get("config", {}):
            initializer["config"]["seed"] = seed + (0 if key == "kernel_initializer" else 500)
    return config


def build_head(seed: int) -> keras.layers.Dense:
    """A new 5-way softmax output layer."""
    return keras.layers.Dense(N_CLASSES, activation="softmax", name="output_5_9",
                              kernel_initializer=keras.initializers.GlorotUniform(seed=seed))


def assemble(body: keras.Sequential, head: keras.layers.Dense) -> keras.Sequential:
    """Pixels → body → head, one model to train, evaluate and save."""
    return keras.Sequential([keras.Input(body.input_shape[1:], name="pixels"), body, head], name="transfer")


def head_model(head: keras.layers.Dense, width: int) -> keras.Sequential:
    """The same head layer on cached features: training it trains the assembled model's head too."""
    return keras.Sequential([keras.Input((width,), name="features"), head], name="head_on_features")


def freeze(body: keras.Sequential) -> None:
    """Freeze every reused layer; frozen Batch Normalization then runs in inference mode."""
    body.trainable = False


def unfreeze_top(body: keras.Sequential, count: int) -> list[str]:
    """Make the Dense layers of the top `count` hidden blocks trainable again; return their names.

    Batch Normalization layers stay frozen, in inference mode: their statistics were learned on
    many more images than the few now available, and updating them from small batches of a
    different task would undo what the lower layers learned.
    """
    dense = [layer for layer in body.layers if layer.name.startswith("hidden")]
    chosen = dense[-count:] if count < len(dense) else dense
    body.trainable = True  # a frozen parent hides every child's weights, so open it, then close the rest
    for layer in body.layers:
        layer.trainable = layer in chosen
    return [layer.name for layer in chosen]


def width_of(body: keras.Sequential) -> int:
    """Features per image at the body's output."""
    return int(body.output_shape[-1])


def dense_flops(body: keras.Sequential) -> int:
    """Multiply-adds ×2 of one image's pass through the body's Dense layers."""
    return sum(2 * int(layer.kernel.shape[0]) * int(layer.kernel.shape[1])
               for layer in body.layers if isinstance(layer, keras.layers.Dense))


def arithmetic_ratio(body: keras.Sequential, width: int) -> float:
    """FLOPs of a frozen step (body forward + head forward and backward) over a cached step (head only).

    Backward through the head is counted as twice its forward pass, the usual estimate.
    """
    head = 3 * 2 * width * N_CLASSES
    return (dense_flops(body) + head) / head
