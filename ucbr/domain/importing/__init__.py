"""``ucbr import``: a council's earlier records, one row per event, made into cases.

``columns`` is the documented column set and how a cell is read; ``rows`` reads a sheet into
people and their events, naming every problem by row and column; ``build`` replays each
person's events through the policy into a case marked as imported; ``twice`` finds a
person entered twice under two references. Pure: the file is read by
``ucbr.storage.sheets`` and the cases committed by ``ucbr.services.importing``.
"""
