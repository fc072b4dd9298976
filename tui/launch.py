"""The `ch11-tutor` command: with a subcommand it is the headless CLI, without one it opens the app."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the headless CLI, or open the app when no command is given."""
    argv = list(sys.argv[1:] if argv is None else argv)
    wants_app = not any(not a.startswith("-") for a in argv) and not {"-h", "--help"} & set(argv)
    if wants_app:
        try:
            from tui.app import run_app
        except ImportError:  # the app is not built yet: show the headless help instead
            wants_app = False
        else:
            return run_app(argv)
    from engine.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
