"""`python -m scheduler.cli ...` is `citywatch ...`."""

import sys

from scheduler.cli.app import main

sys.exit(main())
