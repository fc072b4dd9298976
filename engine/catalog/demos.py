"""Registry entries for the prove-it demos of questions 1–7: short MNIST experiments that each end in a verdict."""
from engine.catalog.base import ACTIVATIONS
from engine.registry import Experiment, Param


def _seed() -> Param:
    return Param("seed", "int", 42, "random seed for weights and shuffling", 0, 2**31 - 1)


def _per_class(default: int) -> Param:
    return Param("per_class", "int", default, "training images per digit (a fifth as many for validation and test)",
                 10, 5000)


def _epochs(default: int, help_: str = "epochs to train each configuration") -> Param:
    return Param("epochs", "int", default, help_, 1, 200)


def _batch() -> Param:
    return Param("batch_size", "int", 32, "mini-batch size", 1, 4096)


def _layers(default: int, high: int = 20) -> Param:
    return Param("hidden_layers", "int", default, "number of hidden layers", 1, high)


def _units(default: int = 100) -> Param:
    return Param("units", "int", default, "neurons per hidden layer", 2, 1000)


def _lr(default: float, what: str = "Adam learning rate") -> Param:
    return Param("learning_rate", "float", default, what, 1e-6, 1.0, log=True)


EXPERIMENTS = [
    Experiment(
        id="demo-symmetry",
        title="Prove it: one shared starting weight vs He initialization",
        question=1,
        summary="Trains the same network twice, once with every weight set to one value drawn from He normal "
                "and once with proper He initialization, then counts the distinct neurons in each hidden layer, "
                "compares test accuracy image by image and the pre-activation scale per layer at the start.",
        runner="engine.experiments.demos.symmetry:run",
        params=(_layers(3, 10), _units(), Param("activation", "choice", "elu", "hidden-layer activation",
                                                   choices=ACTIVATIONS),
                _epochs(5), _lr(1e-3), _batch(), _per_class(300), _seed(),
                Param("tolerance", "float", 1e-4, "neurons closer than this (relative to the largest weight) "
                      "count as one", 1e-9, 0.1, log=True),
                Param("probe_images", "int", 1000, "validation images used to measure pre-activations", 10, 10000),
                Param("same_init_control", "bool", False, "negative control: start both arms from the same He "
                      "normal weights, so the claims must not hold")),
        presets={"default": {}},
        preset_help={"default": "3 hidden layers of 100 ELU units, 5 epochs on all ten digits"},
        quick={"hidden_layers": 2, "units": 20, "epochs": 1, "per_class": 20, "probe_images": 200},
    ),
    Experiment(
        id="demo-bias-init",
        title="Prove it: zero biases vs random biases, paired over seeds",
        question=2,
        summary="Trains the same He-initialized kernels with zero biases and with random biases on the weights' "
                "scale for several seeds, pairs the test accuracies by seed and asks whether the gap's 95% "
                "interval lies inside an equivalence margin.",
        runner="engine.experiments.demos.bias_init:run",
        params=(_layers(3, 10), _units(), _epochs(3), _lr(1e-3), _batch(), _per_class(200), _seed(),
                Param("seeds", "int", 10, "seeds to train each variant with (pairs of runs)", 2, 50),
                Param("bias_scale", "float", 1.0, "std of the random biases, as a multiple of He's weight std "
                      "for the layer", 1e-3, 1000.0, log=True),
                Param("margin_points", "float", 0.5, "equivalence margin: the largest gap in test accuracy, in "
                      "points, counted as no difference", 1e-3, 50.0, log=True),
                Param("test_images", "int", 10000, "test images every run is scored on", 100, 10000)),
        presets={"default": {}},
        preset_help={"default": "10 seeds × 2 variants, 3 epochs each; equivalence within ±0.5 points"},
        quick={"epochs": 1, "per_class": 20, "seeds": 3, "units": 20, "hidden_layers": 2, "test_images": 2000},
    ),
    Experiment(
        id="demo-selu",
        title="Prove it: SELU self-normalizes a deep dense stack (and dropout breaks it)",
        question=3,
        summary="Per-layer mean, standard deviation and scale of activations in a deep dense stack on standardized "
                "inputs, over several seeds at initialization, for SELU + LeCun normal, ReLU + He, ELU + He and "
                "SELU with regular or alpha dropout; then SELU, ReLU and ELU are trained briefly and measured again.",
        runner="engine.experiments.demos.selu:run",
        params=(_layers(50, 200), _units(), _epochs(3), _lr(0.01, "SGD learning rate"),
                _batch(), _per_class(200), _seed(),
                Param("seeds", "int", 4, "seeds the untrained stacks are drawn with", 2, 50),
                Param("dropout", "float", 0.2, "dropout rate of the SELU + dropout variants", 0.0, 0.9),
                Param("probe_images", "int", 1000, "validation images used to measure the activations", 50, 10000)),
        presets={"default": {}},
        preset_help={"default": "50 hidden layers of 100 units, 4 seeds at the start; SELU, ReLU and ELU after "
                                "3 epochs of SGD"},
        quick={"hidden_layers": 12, "epochs": 1, "per_class": 20, "probe_images": 200, "seeds": 4},
    ),
    Experiment(
        id="demo-activations",
        title="Prove it: dying units at a high learning rate for ReLU, leaky ReLU, ELU and SELU",
        question=4,
        summary="Trains one network per activation at a high Adam learning rate, and ReLU again at a low one as "
                "the control, and tracks each epoch the share of hidden units whose gradient is below ε for every "
                "training image; then times each function alone, with seconds per epoch and accuracy.",
        runner="engine.experiments.demos.activations:run",
        params=(_layers(5), _units(), _epochs(5), _lr(0.01, "Adam learning rate (high on purpose)"), _batch(),
                _per_class(200), _seed(),
                Param("control_learning_rate", "float", 1e-4, "Adam learning rate of the ReLU control network; "
                      "set it to learning_rate for a control in which the high rate cannot kill any unit",
                      1e-6, 1.0, log=True),
                Param("epsilon", "float", 1e-3, "a unit whose activation derivative is below this for every "
                      "training image counts as dying", 1e-9, 0.1, log=True),
                Param("latency_rounds", "int", 12, "paired rounds of timing each function alone", 2, 500)),
        presets={"default": {}},
        preset_help={"default": "5 hidden layers of 100 units, Adam at 0.01 (control 1e-4), 5 epochs on 2,000 "
                                "images of all ten digits"},
        quick={"epochs": 2, "per_class": 20, "units": 30, "hidden_layers": 3, "latency_rounds": 5},
    ),
    Experiment(
        id="demo-momentum",
        title="Prove it: SGD with momentum 0.9, 0.99 and 0.99999",
        question=5,
        summary="Keras SGD with momentum 0.9, 0.99 and 0.99999 on a small convex bowl with its minimum at 0, "
                "from several starts: the path drawn, crossings of the minimum and steps to settle counted. "
                "Beside it the same network is trained with each momentum and each run's outcome named.",
        runner="engine.experiments.demos.momentum:run",
        params=(Param("high_momentum", "float", 0.99999, "the momentum close to 1 compared with 0.9 and 0.99",
                      0.0, 0.999999),
                Param("bowl_learning_rate", "float", 0.01, "SGD learning rate on the convex bowl", 1e-5, 0.19,
                      log=True),
                Param("bowl_steps", "int", 3000, "steps on the convex bowl", 10, 100000),
                Param("starts", "int", 5, "starting points on the bowl, at distance 1 in seeded directions", 2, 100),
                Param("tolerance", "float", 1e-3, "distance to the minimum counted as settled", 1e-9, 0.5, log=True),
                _layers(2), _units(), _epochs(15), _lr(0.01, "SGD learning rate for the network"), _batch(),
                _per_class(100), _seed(),
                Param("target_loss", "float", 0.3, "network training loss counted as 'reached'", 1e-4, 10.0)),
        presets={"default": {}},
        preset_help={"default": "3,000 steps from 5 starts on the bowl; the network: 2 hidden layers of 100 units, "
                                "SGD at 0.01, 15 epochs on 1,000 images"},
        quick={"epochs": 3, "per_class": 20, "units": 30, "bowl_steps": 1500},
    ),
    Experiment(
        id="demo-sparsity",
        title="Prove it: three ways to a sparse model, each against its control",
        question=6,
        summary="Plain training then zeroing tiny weights at several thresholds, ℓ1 regularization then zeroing, "
                "and the FTRL optimizer with ℓ1 against FTRL without it: the share of exact zeros among the "
                "weights that get a gradient (never-lit pixels' weights apart) and test accuracy paired image by "
                "image.",
        runner="engine.experiments.demos.sparsity:run",
        params=(_layers(2), _units(), _epochs(5), _lr(1e-3), _batch(), _per_class(300), _seed(),
                Param("l1", "float", 1e-4, "ℓ1 regularization factor (0 for a control with no ℓ1)", 0.0, 1.0),
                Param("ftrl_learning_rate", "float", 0.3, "FTRL learning rate", 1e-4, 10.0, log=True),
                Param("ftrl_l1", "float", 1e-3, "FTRL ℓ1 regularization strength (0 for a control with no ℓ1)",
                      0.0, 10.0),
                Param("threshold", "float", 1e-3, "smallest |weight| kept when zeroing tiny weights "
                      "(ten and fifty times larger are tried too)", 1e-6, 1.0, log=True),
                Param("margin_points", "float", 3.0, "largest loss of test accuracy, in points, a sparse model may "
                      "show against its dense control", 0.01, 100.0, log=True),
                Param("test_images", "int", 2000, "MNIST test images every model is scored on", 100, 10000)),
        presets={"default": {}},
        preset_help={"default": "2 hidden layers of 100 units, 5 epochs on all ten digits, 2,000 test images"},
        quick={"epochs": 1, "per_class": 20, "units": 30, "test_images": 500},
    ),
    Experiment(
        id="demo-dropout",
        title="Prove it: what dropout and MC Dropout cost",
        question=7,
        summary="Seconds and epochs to the best validation loss with and without dropout over several seeds, "
                "inference time of the same weights with and without the dropout layers, MC Dropout with 1, 10 "
                "and more samples timed alike, MC accuracy paired with one pass, and the predictive spread on the "
                "digits MC gets wrong against those it gets right.",
        runner="engine.experiments.demos.dropout:run",
        params=(_layers(3), _units(), _epochs(10), _lr(1e-3), _batch(), _per_class(100), _seed(),
                Param("dropout", "float", 0.3, "dropout rate after each hidden layer (0 for a control without "
                      "dropout)", 0.0, 0.9),
                Param("seeds", "int", 5, "seeds to train both arms with (pairs of runs)", 1, 20),
                Param("mc_samples", "int", 100, "stochastic passes for the larger MC Dropout estimate", 11, 1000),
                Param("inference_images", "int", 250, "test images used to time inference", 10, 10000),
                Param("test_images", "int", 1000, "MNIST test images MC Dropout and one pass are scored on",
                      100, 10000),
                Param("timing_rounds", "int", 6, "paired rounds of MC timing, the same for every sample count "
                      "(plain inference, cheaper and noisier, gets twelve times as many)", 2, 100),
                Param("inference_margin", "float", 0.1, "largest relative difference in inference time counted "
                      "as no cost", 0.001, 1.0, log=True),
                Param("mc_margin_points", "float", 1.0, "largest loss of accuracy, in points, MC Dropout may show "
                      "against one pass", 0.01, 100.0, log=True)),
        presets={"default": {}},
        preset_help={"default": "3 hidden layers of 100 units, dropout 0.3, 10 epochs × 5 seeds on 1,000 images; MC "
                                "with 10 and 100 samples"},
        quick={"epochs": 3, "per_class": 20, "units": 30, "seeds": 2, "mc_samples": 30, "inference_images": 200,
               "test_images": 500, "timing_rounds": 3},
    ),
]
