"""``python -m nn``: the same as ``backprop-demo``."""

import sys

from .cli import main

sys.exit(main())
