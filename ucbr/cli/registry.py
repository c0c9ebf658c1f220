"""Every command and group by name: the module that defines it, and its one-line help.

``ucbr --help`` is printed from this table alone, and ``ucbr COMMAND`` imports only the
module that defines COMMAND (``ucbr.cli.lazy``), so start-up does not pay for every
command's libraries. A command module still defines its commands with Typer as before;
a new command is also named here, in the order ``ucbr --help`` lists it.
``tests/test_cli_startup.py`` fails when this table and the modules disagree.
"""

from __future__ import annotations

# (name, module under ucbr.cli, the first paragraph of its help), in the order of --help.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    (
        "history",
        "audit",
        "The timeline of one case or property from git: who did what, when, and what changed.",
    ),
    (
        "audit",
        "audit",
        "Check every commit: trailers, author and role, signatures, hand edits, plaintext, access.",
    ),
    ("add-incident", "cases", "Record an incident, on a new case (--new) or an existing one."),
    (
        "escalate",
        "cases",
        "Take the next step on the warning ladder (or the step given with --to).",
    ),
    (
        "approve",
        "cases",
        "Approve the proposed decision on a case: its restrictions come into force.",
    ),
    ("reject", "cases", "Reject the proposed decision on a case."),
    (
        "adjustments",
        "cases",
        "Record a reasonable adjustment; restrictions that contradict it are refused.",
    ),
    (
        "retention",
        "data",
        "List what is past retention; --apply deletes expired cases and keeps a tombstone.",
    ),
    (
        "sar",
        "data",
        "Subject access: everything held about the person, as PDF and JSON, with a manifest.",
    ),
    (
        "stats",
        "data",
        "Counts safe to publish: no personal data, and counts of 1 or 2 shown as <3.",
    ),
    (
        "letter",
        "letters",
        "Render a letter from the case's own facts and record that it was issued.",
    ),
    (
        "lookup",
        "lookup",
        "Find a person or property on the register before contact: restrictions in plain words.",
    ),
    (
        "init",
        "register",
        "Create a new register: a git repository with its policy, staff and tier files.",
    ),
    ("clone", "register", "Clone a register and install its diff and merge drivers."),
    (
        "sync",
        "register",
        "Pull the server's changes (merging by id), then push yours; on failure nothing changes.",
    ),
    ("show", "register", "Show what your key can read of one case or property."),
    ("list", "register", "List every case and property: id, kind, status and next review."),
    (
        "check",
        "register",
        "Check every file: format, schemas, agreement, recipients, and the Ombudsman's faults.",
    ),
    (
        "review-due",
        "reviews",
        "List what needs action. Silent, exit 0, when nothing is due; 3 when due; 4 when overdue.",
    ),
    (
        "review",
        "reviews",
        "Review a restriction: continue, vary (needs approval), or lift (a significant change).",
    ),
)

# Groups of commands (``ucbr keys new``): (name, module, help), listed after the commands.
GROUPS: tuple[tuple[str, str, str], ...] = (
    ("keys", "keys", "Staff age keys."),
    ("staff", "staff", "The staff directory and who can read which tier."),
    ("schema", "register", "JSON Schemas of the sections."),
    ("appeal", "appeals", "Appeals against a restriction."),
    ("property", "properties", "Properties that put visiting staff at risk."),
    ("git", "audit", "Drivers git calls: textconv and merge."),
    ("foi", "letters", "Freedom of Information section 14 decisions."),
    ("cache", "cache", "The local cache of decrypted sections, under .git/ucbr/."),
)

# The top level's own help and options, as ``ucbr --help`` shows them: (flag, metavar, help).
SUMMARY = "The Unreasonable Customer Behaviour Register."
OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--register", "<path>", "The register (default: UCBR_REGISTER or the current directory)."),
    (
        "--identity",
        "<path>",
        "Your age identity (default: UCBR_IDENTITY_FILE or $XDG_CONFIG_HOME/ucbr/identity.txt).",
    ),
    ("--version", "<bool>", "Print the version and exit."),
    ("--help", "<bool>", "Show this message and exit."),
)


def module_of(name: str) -> str | None:
    """The module (under ``ucbr.cli``) that defines a command or group, or None."""
    for entry, module, _ in COMMANDS + GROUPS:
        if entry == name:
            return module
    return None


def names() -> list[str]:
    """Every command and group, in the order ``ucbr --help`` lists them."""
    return [name for name, _, _ in COMMANDS + GROUPS]
