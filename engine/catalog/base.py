"""Registry entry for exercise 8's base network (5×100 ELU, He init, Adam, early stopping)."""
from engine.registry import Experiment, Param

ACTIVATIONS = ("elu", "relu", "selu", "leaky_relu", "gelu", "swish", "tanh", "sigmoid")
INITIALIZERS = ("he_normal", "he_uniform", "glorot_uniform", "glorot_normal", "lecun_normal")

# Shared by every experiment that trains the base network (tune and transfer reuse them).
NETWORK_PARAMS = (
    Param("hidden_layers", "int", 5, "number of hidden layers", 1, 20),
    Param("units", "int", 100, "neurons per hidden layer", 5, 1000),
    Param("activation", "choice", "elu", "hidden-layer activation", choices=ACTIVATIONS),
    Param("initializer", "choice", "he_normal", "kernel initializer", choices=INITIALIZERS),
    Param("batch_norm", "bool", False, "Batch Normalization after each hidden layer"),
    Param("dropout", "float", 0.0, "dropout rate after each hidden layer", 0.0, 0.9),
)
TRAINING_PARAMS = (
    Param("learning_rate", "float", 1e-3, "Adam learning rate", 1e-6, 1.0, log=True),
    Param("lr_schedule", "choice", "plateau", "constant: Adam's rate throughout; plateau: halve it after "
          "3 epochs without a better validation loss", choices=("constant", "plateau")),
    Param("batch_size", "int", 32, "mini-batch size", 1, 8192),
    Param("epochs", "int", 100, "most epochs to train (early stopping usually ends sooner)", 1, 1000),
    Param("patience", "int", 10, "epochs without a better validation loss before stopping", 1, 200),
    Param("seed", "int", 42, "random seed for weights and shuffling", 0, 2**31 - 1),
    Param("subset", "int", 0, "training images per digit (0 = all of them)", 0, 6000),
    Param("pipeline", "choice", "fast", "fast: the engine's XLA-compiled epoch loop; keras: Keras fit on a "
          "prepared tf.data stream, many steps per call; plain: Keras fit on the raw array with default "
          "settings", choices=("fast", "keras", "plain")),
    Param("steps_per_execution", "int", 64, "training steps per compiled call (keras pipeline)", 1, 10000),
    Param("strategy", "choice", "default", "default: one device; mirrored: tf.distribute.MirroredStrategy, "
          "one model copy per GPU, batch_size is the global batch split between them (one copy on the CPU "
          "when the box has no GPU)", choices=("default", "mirrored")),
)

EXPERIMENTS = [
    Experiment(
        id="base",
        title="Exercise 8: the base network on digits 0–4",
        question=8,
        summary="Five hidden layers of 100 ELU units with He initialization, trained with Adam and "
                "early stopping on MNIST digits 0–4; checkpoints, TensorBoard logs and test accuracy.",
        runner="engine.experiments.base:run",
        own_tensorboard=True,
        params=NETWORK_PARAMS + TRAINING_PARAMS,
        presets={"plain": {}, "batchnorm": {"batch_norm": True}, "dropout": {"dropout": 0.2}},
        preset_help={"plain": "the network as the exercise describes it",
                     "batchnorm": "Batch Normalization after every hidden layer",
                     "dropout": "dropout (rate 0.2) after every hidden layer"},
        quick={"epochs": 2, "subset": 60, "patience": 2},
    ),
]
