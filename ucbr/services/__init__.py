"""Services: what each command does, built from the domain and the storage below it.

One module per job: casework (the policy's transitions, saved), admin (a register and
its staff), rotation, retention, subject access, statistics, checks, review-due,
lookup, letters, the audit, merges and sync. They raise ``UcbrError``s and return
values; they never print, and nothing here imports ``ucbr.cli``.
"""
