"""Prove-it demos for questions 1–7: one short MNIST experiment per answer, each ending in a measured verdict."""
