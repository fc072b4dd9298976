"""Registry entries for the chapter's topics beyond its exercises: optimizers, learning-rate schedules,
gradient clipping, regularization and pretraining on an auxiliary task (questions 10–14)."""
from engine.registry import Experiment, Param


def _seed() -> Param:
    return Param("seed", "int", 42, "random seed of the first run (later seeds count up from it)", 0, 2**31 - 1)


def _seeds(default: int) -> Param:
    return Param("seeds", "int", default, "seeds to train each configuration with", 1, 10)


def _per_class(default: int, what: str = "training images per digit (a fifth as many for validation and test)") -> Param:
    return Param("per_class", "int", default, what, 10, 5000)


def _epochs(default: int, help_: str = "epochs to train each configuration") -> Param:
    return Param("epochs", "int", default, help_, 1, 200)


def _batch(default: int = 32) -> Param:
    return Param("batch_size", "int", default, "mini-batch size", 1, 4096)


def _layers(default: int, high: int = 50) -> Param:
    return Param("hidden_layers", "int", default, "number of hidden layers", 1, high)


def _units(default: int) -> Param:
    return Param("units", "int", default, "neurons per hidden layer", 2, 1000)


def _target(default: float) -> Param:
    return Param("target_accuracy", "float", default, "validation accuracy counted as 'reached'", 0.1, 1.0)


EXPERIMENTS = [
    Experiment(
        id="optimizers",
        title="The optimizer race: SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam, AdaMax, Nadam, AdamW",
        question=10,
        summary="Trains the same network on the same data and seeds with each of nine Keras optimizers at its "
                "default learning rate, and tabulates epochs and seconds to a target validation accuracy, best "
                "validation accuracy and final training loss, as mean ± std over seeds.",
        runner="engine.experiments.topics.optimizers:run",
        params=(_layers(4), _units(64), _epochs(10), _batch(), _per_class(300), _target(0.9), _seeds(2), _seed(),
                Param("learning_rate_scale", "float", 1.0, "multiplies every optimizer's default learning rate",
                      1e-6, 100.0, log=True)),
        presets={"default": {}, "full": {"per_class": 5000, "epochs": 30, "units": 100, "hidden_layers": 5,
                                         "seeds": 3}},
        preset_help={"default": "4 hidden layers of 64 ELU units, 3,000 images, 10 epochs, 2 seeds",
                     "full": "5×100 ELU on all 50,000 training images, 30 epochs, 3 seeds, far longer than the default"},
        quick={"per_class": 30, "epochs": 6, "units": 32, "hidden_layers": 3, "seeds": 1, "target_accuracy": 0.7},
    ),
]

EXPERIMENTS.append(
    Experiment(
        id="lr-schedules",
        title="Learning-rate scheduling: a range test, then constant, power, exponential, piecewise, plateau, 1cycle",
        question=11,
        summary="Grows the learning rate exponentially and suggests a tenth of the rate where the loss turns up, "
                "then trains the same network for the same budget at that constant rate and with five schedules that "
                "start larger and reduce it, and tabulates best validation accuracy and epochs to a target.",
        runner="engine.experiments.topics.lr_schedules:run",
        params=(_layers(4), _units(64), _epochs(10), _batch(), _per_class(300), _target(0.9), _seeds(2), _seed(),
                Param("lr_min", "float", 1e-5, "range test: the rate it starts from", 1e-8, 1.0, log=True),
                Param("lr_max", "float", 10.0, "range test: the rate it grows to", 1e-6, 100.0, log=True),
                Param("range_steps", "int", 500, "range test: training steps over which the rate grows (the data "
                      "repeats when an epoch is shorter)", 20, 100000),
                Param("high_rate_factor", "float", 5.0, "the large rate the decaying schedules start from and 1cycle "
                      "peaks at, as a multiple of the suggested rate", 0.01, 100.0, log=True)),
        presets={"default": {}, "full": {"per_class": 5000, "epochs": 30, "units": 100, "hidden_layers": 5,
                                         "seeds": 3, "range_steps": 1500}},
        preset_help={"default": "4 hidden layers of 64 ELU units, 3,000 images, 10 epochs, 2 seeds",
                     "full": "5×100 ELU on all 50,000 training images, 30 epochs, 3 seeds, far longer than the default"},
        quick={"per_class": 30, "epochs": 6, "units": 32, "hidden_layers": 2, "seeds": 1, "target_accuracy": 0.7,
               "batch_size": 8, "range_steps": 200},
    ),
)

EXPERIMENTS.append(
    Experiment(
        id="gradient-clipping",
        title="Gradient clipping: vanishing and exploding gradients measured layer by layer",
        question=12,
        summary="Trains a deep dense stack with sigmoid and normal(0, 1) weights, with ELU and He initialization, and "
                "with ELU and He at a far too large learning rate, each with no clipping, clipnorm and clipvalue; "
                "records every layer's gradient norm each epoch and whether the loss stayed finite.",
        runner="engine.experiments.topics.gradient_clipping:run",
        params=(_layers(20), _units(50), _epochs(5), _batch(), _per_class(100), _seed(),
                Param("learning_rate", "float", 0.01, "SGD learning rate of the first two settings", 1e-6, 10.0,
                      log=True),
                Param("explode_learning_rate", "float", 0.3, "SGD learning rate of the exploding setting", 1e-6,
                      100.0, log=True),
                Param("clipnorm", "float", 1.0, "clipnorm: each gradient tensor's ℓ2 norm is scaled down to at most this",
                      1e-6, 1e3, log=True),
                Param("clipvalue", "float", 1.0, "clipvalue: each gradient component is clipped to ± this", 1e-6, 1e3,
                      log=True),
                Param("probe_images", "int", 256, "validation images the gradient norms are measured on", 10, 10000)),
        presets={"default": {}, "full": {"per_class": 5000, "epochs": 20, "units": 100, "hidden_layers": 50}},
        preset_help={"default": "20 hidden layers of 50 units, 1,000 images, 5 epochs per run, 9 runs",
                     "full": "50 hidden layers of 100 units on all 50,000 training images, 20 epochs, far longer"},
        quick={"per_class": 20, "epochs": 2, "units": 20, "hidden_layers": 10, "probe_images": 64},
    ),
)

EXPERIMENTS.append(
    Experiment(
        id="regularization",
        title="Regularization: ℓ2, ℓ1, max-norm, dropout and SELU with AlphaDropout against overfitting",
        question=13,
        summary="Trains the same network on a training set small enough to overfit, with no regularization and with "
                "each of five regularizers, and tabulates training and validation accuracy, their gap, and the "
                "share of near-zero weights.",
        runner="engine.experiments.topics.regularization:run",
        params=(_layers(3), _units(200), _epochs(20), _batch(), _per_class(50, "training images per digit (few, so the "
                "network can memorize them)"),
                Param("val_per_class", "int", 200, "validation images per digit", 10, 1000),
                _seeds(2), _seed(),
                Param("learning_rate", "float", 1e-3, "Adam learning rate", 1e-6, 1.0, log=True),
                Param("l2", "float", 1e-2, "ℓ2 factor", 1e-9, 1.0, log=True),
                Param("l1", "float", 5e-4, "ℓ1 factor", 1e-9, 1.0, log=True),
                Param("max_norm", "float", 1.0, "max-norm: largest ℓ2 norm of each unit's incoming weights", 1e-3,
                      1e3, log=True),
                Param("dropout", "float", 0.5, "dropout rate after each hidden layer", 0.0, 0.9),
                Param("alpha_dropout", "float", 0.2, "AlphaDropout rate after each SELU layer", 0.0, 0.9),
                Param("near_zero", "float", 1e-3, "weights smaller than this in magnitude count as near zero", 1e-15,
                      1.0, log=True)),
        presets={"default": {}, "full": {"per_class": 500, "val_per_class": 1000, "epochs": 100, "seeds": 3,
                                         "units": 300}},
        preset_help={"default": "3 hidden layers of 200 units on 500 images, 20 epochs, 6 variants × 2 seeds",
                     "full": "5,000 training images, 100 epochs, 3 seeds, far longer than the default"},
        quick={"per_class": 20, "val_per_class": 30, "epochs": 15, "units": 64, "seeds": 1},
    ),
)

EXPERIMENTS.append(
    Experiment(
        id="auxiliary-task",
        title="Exercise 10: pretraining on an auxiliary task (same digit or not?), then reusing the layers",
        question=14,
        summary="Splits the training set in two, pretrains a twin network on balanced pairs from split 1 to say whether "
                "two images show the same digit, then reuses its lower layers, frozen and then fine-tuned, for a "
                "10-class classifier trained on a few images per digit from split 2, against the same classifier "
                "from scratch; the book's figures beside.",
        runner="engine.experiments.topics.auxiliary_task:run",
        params=(_layers(5), _units(100), _batch(),
                Param("pairs", "int", 40000, "training pairs drawn from split 1 (half of them the same digit)", 100,
                      1000000),
                Param("pair_epochs", "int", 4, "epochs of pretraining on the pairs", 1, 200),
                _per_class(500, "classifier training images per digit, from split 2"),
                Param("val_per_class", "int", 100, "classifier validation images per digit, from split 2", 10, 1000),
                _epochs(5, "epochs with the reused layers frozen (scratch trains as long as frozen plus fine-tuning)"),
                Param("finetune_epochs", "int", 3, "epochs of fine-tuning every layer afterwards", 1, 200),
                _seeds(2), _seed(),
                Param("learning_rate", "float", 1e-3, "Adam learning rate", 1e-6, 1.0, log=True),
                Param("finetune_learning_rate", "float", 1e-4, "Adam learning rate while fine-tuning", 1e-7, 1.0,
                      log=True)),
        presets={"default": {}, "full": {"pairs": 500000, "pair_epochs": 10, "epochs": 50, "finetune_epochs": 20,
                                         "seeds": 3}},
        preset_help={"default": "5×100 ELU; 40,000 pairs × 4 epochs; 500 images per digit; 2 seeds",
                     "full": "500,000 pairs × 10 epochs and long classifier training, 3 seeds, far longer"},
        quick={"pairs": 2000, "pair_epochs": 2, "per_class": 30, "val_per_class": 10, "epochs": 3,
               "finetune_epochs": 2, "units": 32, "hidden_layers": 3, "seeds": 1},
    ),
)
