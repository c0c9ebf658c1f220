"""Storage: the register on disk and in git.

Files and their age sections (``envelope``, ``vault``), strict YAML (``yamlio``), the one
way to change the register (``store``), fast reads of many sections (``scan``), git
(``git``, ``gitlog``) and files written for people (``private``). Nothing here applies
the policy or prints; nothing imports ``ucbr.services`` or ``ucbr.cli``.
"""
