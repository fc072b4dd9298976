"""Pure judges: each experiment's claims decided from its measured numbers alone (no TensorFlow)."""
