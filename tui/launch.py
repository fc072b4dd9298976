"""The `ch11-tutor` command: with a subcommand it is the headless CLI, without one it opens the app."""
from __future__ import annotations

import sys

APP_OPTIONS_WITH_VALUE = ("--home",)  # options the app shares with the CLI that take a value


def wants_app(argv: list[str]) -> bool:
    """True when argv names no command (only options such as `--home DIR`) and asks for no help."""
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg in ("-h", "--help"):
            return False
        if arg in APP_OPTIONS_WITH_VALUE:
            if rest:
                rest.pop(0)  # the option's value is not a command
            continue
        if not arg.startswith("-"):
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the headless CLI, or open the app when no command is given."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if wants_app(argv):
        from tui.app import run_app

        return run_app(argv)
    from engine.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
