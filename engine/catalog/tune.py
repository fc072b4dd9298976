"""Registry entry for exercise 8's hyperparameter search: keras-tuner Hyperband over the base network."""
from engine.catalog.base import NETWORK_PARAMS, TRAINING_PARAMS
from engine.registry import Experiment, Param

SEARCH_PARAMS = (
    Param("space", "choice", "seed-space", "what to search: seed-space = learning rate in {1e-2, 1e-3, 1e-4}; "
          "wide = learning rate, Batch Normalization, dropout, batch size and activation",
          choices=("seed-space", "wide")),
    Param("max_epochs", "int", 10, "most epochs Hyperband gives one model", 2, 1000),
    Param("factor", "int", 3, "Hyperband's reduction factor between rounds", 2, 10),
    Param("hyperband_iterations", "int", 1, "how many times to run the whole Hyperband schedule", 1, 20),
    Param("xla", "bool", True, "train trials with each epoch, step loop included, compiled by XLA (about a "
          "second to compile per architecture, then faster epochs; off: TensorFlow's graph mode)"),
    Param("resume", "str", "", "run id of an interrupted tune run whose search to continue (empty: a new search)",
          run_id=True),
)

EXPERIMENTS = [
    Experiment(
        id="tune",
        title="Exercise 8: tune the base network's hyperparameters with Hyperband",
        question=8,
        summary="keras-tuner Hyperband over the 5×100 network on digits 0–4, every trial live; the best "
                "hyperparameters are retrained with early stopping, tested, and saved for transfer learning.",
        runner="engine.experiments.tune:run",
        own_tensorboard=True,
        params=NETWORK_PARAMS + TRAINING_PARAMS + SEARCH_PARAMS,
        presets={"seed-space": {"space": "seed-space"}, "wide": {"space": "wide", "max_epochs": 20}},
        preset_help={"seed-space": "learning rate in {1e-2, 1e-3, 1e-4} only (three values: "
                                   "Hyperband runs out of new combinations after three trials)",
                     "wide": "learning rate, Batch Normalization, dropout, batch size and activation"},
        # a quick search's epochs are too short for XLA's second of compiling to pay off
        quick={"max_epochs": 2, "subset": 60, "epochs": 2, "patience": 2, "xla": False},
    ),
]
