"""`python -m labkit.cli …` runs the labkit command."""

import sys

from . import main

sys.exit(main())
