"""Runners for the chapter's topics beyond the exercises: optimizers, schedules, clipping, regularization, pretraining."""
