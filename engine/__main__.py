"""`python -m engine …` runs the headless CLI; the TUI starts its child runs this way."""
import sys

from engine.cli import main

sys.exit(main())
