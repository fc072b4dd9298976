"""TensorFlow-side helpers shared by experiments: input pipelines, callbacks, evaluation."""
