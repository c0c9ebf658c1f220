"""``python -m ucbr``: the same as the ``ucbr`` command."""

from ucbr.cli import entry_point

entry_point()
