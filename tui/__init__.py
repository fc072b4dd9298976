"""The ch11-tutor Textual app (never imports TensorFlow)."""
