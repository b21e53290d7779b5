"""Test support shared by the test suites, the benchmarks and the soak: scratch databases,
the whole stack on loopback, data generators, cluster restarts for fault tests, and one
"wait until" helper. Not used by the product at run time."""

import sys
from pathlib import Path

ENRICH = str(Path(sys.executable).with_name("enrich"))  # the CLI of this environment
