"""`python -m chainrule`: the same command line as the `chainrule` script."""
import sys

from .cli import main

sys.exit(main())
