"""The app's screens: one per file (questions, lab, run view, runs, help)."""
