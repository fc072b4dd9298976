"""Pure model builders: small functions that return an uncompiled Keras model."""
from __future__ import annotations

import keras


def build_mlp(hidden_layers: int = 5, units: int = 100, activation: str = "elu",
              initializer: str = "he_normal", batch_norm: bool = False, dropout: float = 0.0,
              n_classes: int = 5, input_shape: tuple[int, ...] = (28, 28), seed: int | None = None,
              name: str = "mlp") -> keras.Model:
    """A dense stack for 28×28 digits.

    Layers are named hidden1…hiddenN (Dense), bn1… and act1… (with Batch Normalization the
    activation follows the normalisation), drop1… and "output", so transfer learning can pick
    the first k hidden blocks by name. Pixels arrive as 0–255 and a Rescaling layer (not a
    Lambda, so the saved file loads safely) maps them to 0–1.
    """
    def init() -> keras.initializers.Initializer:
        # a fresh seeded initializer per layer: the same object twice would give equal weights
        nonlocal seed
        made = keras.initializers.get({"class_name": initializer, "config": {"seed": seed}})
        seed = None if seed is None else seed + 1
        return made

    layers: list[keras.layers.Layer] = [
        keras.Input(shape=input_shape, name="pixels"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Rescaling(1 / 255, name="rescale"),
    ]
    for i in range(1, hidden_layers + 1):
        if batch_norm:
            layers += [keras.layers.Dense(units, kernel_initializer=init(), use_bias=False, name=f"hidden{i}"),
                       keras.layers.BatchNormalization(name=f"bn{i}"),
                       keras.layers.Activation(activation, name=f"act{i}")]
        else:
            layers.append(keras.layers.Dense(units, activation=activation, kernel_initializer=init(),
                                             name=f"hidden{i}"))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout, seed=None if seed is None else seed + 1000 + i,
                                               name=f"drop{i}"))
    layers.append(keras.layers.Dense(n_classes, activation="softmax", kernel_initializer=init(), name="output"))
    return keras.Sequential(layers, name=name)
