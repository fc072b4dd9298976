"""The ch11-tutor engine: data, experiments, run folders and the headless CLI (no textual, no TF at import)."""
