"""`python -m bench [--quick] [--out DIR] [--sizes 1000,10000,100000]`."""

import sys

from bench.run import main

sys.exit(main())
