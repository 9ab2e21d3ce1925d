"""`python -m vtrack.cli ...` (how the test suite starts servers and workers)."""

import sys

from vtrack.cli import main

sys.exit(main())
