"""Distributed Hyperband: keras-tuner's chief/worker mode behind `ch11-tutor run tune --distributed`.

The tune experiment makes one `role.SearchRole` per run (`role.role_for`) and asks it where the
tuner lives, how to search and what to report; for an ordinary search each answer is what tune
did before (a tuner folder in the run folder, `tuner.search`), so nothing changes without the
flags. This package imports nothing itself, so the CLI-side modules (address, config) stay free
of TensorFlow; role, chief and worker are imported only inside a run process.
"""
