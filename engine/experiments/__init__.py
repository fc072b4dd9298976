"""Experiment runners: each module's `run(ctx)` trains in the run's own process and returns a result."""
