"""Widgets shared by the screens: curve charts, event tables, parameter fields, the question list, dialogs."""
