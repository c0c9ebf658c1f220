"""The pure domain: the register's data and the council's policy, with no I/O.

Nothing in this package reads a file, a clock, git or the environment, and nothing
imports ``ucbr.storage``, ``ucbr.services`` or ``ucbr.cli`` (``tests/test_layers.py``
holds it to that). The day is always a parameter.
"""
