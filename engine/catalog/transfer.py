"""Registry entry for exercise 9: reuse the 0–4 network's layers to learn digits 5–9 from a few images."""
from engine.registry import Experiment, Param

# Each variant is a preset; the suite runs them all, so their names and settings live here once.
VARIANTS = {
    "frozen-5": {"mode": "frozen", "reuse_layers": 5, "unfreeze_layers": 0},
    "cached-5": {"mode": "cached", "reuse_layers": 5, "unfreeze_layers": 0},
    "frozen-4": {"mode": "frozen", "reuse_layers": 4, "unfreeze_layers": 0},
    "cached-4": {"mode": "cached", "reuse_layers": 4, "unfreeze_layers": 0},
    "unfreeze-2": {"mode": "frozen", "reuse_layers": 4, "unfreeze_layers": 2},
    "unfreeze-all": {"mode": "frozen", "reuse_layers": 4, "unfreeze_layers": 20},
    "scratch": {"mode": "scratch", "reuse_layers": 4, "unfreeze_layers": 0},
}
VARIANT_HELP = {
    "frozen-5": "all five hidden layers reused and frozen, a new softmax head",
    "cached-5": "as frozen-5, but the frozen layers' outputs are computed once and only the head trains",
    "frozen-4": "the lower four hidden layers reused and frozen, a new softmax head",
    "cached-4": "as frozen-4, with the frozen layers' outputs cached",
    "unfreeze-2": "four frozen layers, then the top two unfrozen and trained on at a lower learning rate",
    "unfreeze-all": "four frozen layers, then every reused layer unfrozen at a lower learning rate",
    "scratch": "the same four-layer network trained from scratch on the same images (the baseline)",
}

PARAMS = (
    Param("source", "str", "", "run id of a finished base or tune run whose model to reuse "
          "(empty: the latest one; if there is none, a default base network is trained first)", run_id=True),
    Param("mode", "choice", "frozen", "frozen: reused layers frozen; cached: their outputs computed once; "
          "scratch: the same layers with fresh weights, all trained", choices=("frozen", "cached", "scratch")),
    Param("reuse_layers", "int", 5, "how many of the source's lower hidden layers to reuse", 1, 20),
    Param("unfreeze_layers", "int", 0, "after the frozen phase, unfreeze this many top reused layers and "
          "keep training (0: none; 20: all)", 0, 20),
    Param("per_digit", "int", 100, "training images per digit (5–9)", 1, 5000),
    Param("val_per_digit", "int", 30, "validation images per digit, disjoint from the training ones", 1, 1000),
    Param("test_per_digit", "int", 0, "test images per digit (0: every 5–9 test image)", 0, 2000),
    Param("learning_rate", "float", 3e-3, "Adam learning rate of the new head (and of scratch)", 1e-6, 1.0,
          log=True),
    Param("fine_tune_learning_rate", "float", 1e-3, "Adam learning rate once layers are unfrozen", 1e-7, 1.0,
          log=True),
    Param("shift_pixels", "int", 1, "fine-tuning and scratch: shift each training image by up to this many "
          "pixels, anew every epoch (0: no shifts; frozen heads train on unshifted images, as cached ones must)",
          0, 8),
    Param("batch_size", "int", 32, "mini-batch size", 1, 4096),
    Param("epochs", "int", 200, "most epochs per phase (early stopping usually ends sooner)", 1, 5000),
    Param("patience", "int", 20, "epochs without a better validation loss before a phase stops", 1, 500),
    Param("seed", "int", 42, "random seed for the image sample, the new weights and shuffling", 0, 2**31 - 1),
    Param("suite", "bool", False, "run every variant over several seeds and compare them in one table"),
    Param("seeds", "int", 1, "how many seeds the suite runs per variant (seed, seed+1, …)", 1, 20),
    Param("xla", "bool", True, "compile each epoch, step loop included, with XLA: about a second to "
          "compile, then epochs several times faster (off: TensorFlow's graph mode, no compile wait)"),
    Param("timing_epochs", "int", 20, "cached variants: epochs of the frozen twin timed for the speed-up", 2, 500),
)

EXPERIMENTS = [
    Experiment(
        id="transfer",
        title="Exercise 9: transfer learning to digits 5–9",
        question=9,
        summary="Reuse the 0–4 network's hidden layers (frozen, cached, partly or wholly unfrozen) to learn "
                "digits 5–9 from 100 images per digit, and compare with the same network trained from scratch.",
        runner="engine.experiments.transfer.runner:run",
        params=PARAMS,
        presets={**VARIANTS, "suite": {"suite": True, "seeds": 3}},
        preset_help={**VARIANT_HELP, "suite": "every variant over three seeds, in one table with the book's figures"},
        # a quick run's few epochs are over before XLA's second of compiling would pay off
        quick={"per_digit": 20, "val_per_digit": 10, "test_per_digit": 20, "epochs": 4, "patience": 2,
               "timing_epochs": 3, "xla": False},
    ),
]
