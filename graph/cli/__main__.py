"""``python -m graph.cli``: the ``ressourcerie`` command."""

import sys

from graph.cli import main

sys.exit(main())
