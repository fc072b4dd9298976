"""User-facing errors: each carries one sentence saying what is wrong and what to do."""


class TutorError(Exception):
    """An error whose message is shown to the user as is, without a traceback."""


class DataError(TutorError):
    """The MNIST file is missing, unreadable or not MNIST-shaped."""


class ParamError(TutorError):
    """An experiment, preset or parameter value that the registry refuses."""


class RunError(TutorError):
    """A run folder that is missing or broken, or a run that cannot be started."""


class StopRequested(Exception):
    """Raised inside a run when the user asked it to stop before training began."""
