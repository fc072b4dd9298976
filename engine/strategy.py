"""tf.distribute strategies for training one model: TensorFlow's default (one device) or mirrored.

`mirrored` copies the model onto every GPU of the box (on a machine without a GPU: one replica on
the CPU, which is how the tests exercise this path) and splits each batch between the copies.

Global batch and learning rate: under MirroredStrategy the `batch_size` parameter is the global
batch. With N replicas each one computes gradients on batch_size / N examples and the gradients
are averaged, so one step is the same step one device would take with the same batch: results
match a single-device run and only the arithmetic is shared out. To keep every GPU as busy as a
lone GPU, multiply batch_size by N; with a larger batch the usual rule (linear scaling) is to
multiply the learning rate by N too, ideally with a few warm-up epochs. The tutor changes neither
on its own, so a run means the same thing on any box; `describe` reports what was used.
"""
from __future__ import annotations

from typing import Any

STRATEGIES = ("default", "mirrored")
_made: dict[str, Any] = {}  # one MirroredStrategy per process: making one probes every device


def get_strategy(name: str = "default") -> Any:
    """The tf.distribute strategy called `name`."""
    import tensorflow as tf

    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        if name not in _made:
            _made[name] = tf.distribute.MirroredStrategy()
        return _made[name]
    raise ValueError(f"unknown strategy {name!r}; expected one of {', '.join(STRATEGIES)}")


def scope(name: str = "default") -> Any:
    """A context manager: models built and compiled inside it train under the strategy."""
    return get_strategy(name).scope()


def describe(name: str, batch_size: int, learning_rate: float) -> dict[str, Any]:
    """What the strategy did to the batch: replicas, their devices, global and per-replica batch sizes."""
    strategy = get_strategy(name)
    replicas = int(strategy.num_replicas_in_sync)
    try:
        devices = list(strategy.extended.worker_devices or ())
    except RuntimeError:  # TensorFlow's default strategy refuses the question: it is one device
        devices = []
    return {"name": name, "replicas": replicas, "devices": [str(d) for d in devices],
            "global_batch_size": batch_size, "per_replica_batch_size": batch_size / replicas,
            "learning_rate": learning_rate,
            "note": "batch_size is the global batch, split between the replicas; the learning rate is "
                    "used as given (scale both by the number of replicas to keep each device as busy "
                    "as one alone)." if name == "mirrored" else "one device, no splitting"}
