"""`python -m qa.cli`: the `newsdesk` command."""

import sys

from qa.cli.main import main

sys.exit(main())
