"""Widgets shared by the screens: learning-curve charts, event tables, run progress."""
