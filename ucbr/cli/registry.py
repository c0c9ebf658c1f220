"""Every command and group by name: the module that defines it, its one-line help, and
who uses it.

``ucbr --help`` is printed from this table alone (``ucbr.cli.quickhelp``), grouped by who
uses each command, and ``ucbr COMMAND`` imports only the module that defines COMMAND
(``ucbr.cli.lazy``), so start-up does not pay for every command's libraries. A command
module still defines its commands with Typer as before; a new command is also named here,
and in one of the ``SECTIONS``. ``tests/test_cli_startup.py`` fails when this table and the
modules disagree.
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
        "Approve a proposed decision, or the continuation of a restriction at review.",
    ),
    ("reject", "cases", "Reject a proposed decision, or a continuation at review."),
    (
        "adjustments",
        "cases",
        "Record a reasonable adjustment; restrictions that conflict with it are refused.",
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
        "evidence",
        "data",
        "An evidence bundle for the Ombudsman or a court, verifiable without ucbr.",
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
    (
        "clone",
        "register",
        "Clone a register, install its diff and merge drivers, and pin its root of trust.",
    ),
    (
        "import",
        "importing",
        "Bring the council's existing cases in from a sheet, one signed commit per case.",
    ),
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
        "revert",
        "trust",
        "Undo a commit the audit reports (a forged record on the server), in a signed commit.",
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
    ("keys", "keys", "Your key: create it; replace one that is lost."),
    ("staff", "staff", "The staff directory and who can read which tier."),
    ("schema", "register", "JSON Schemas of the sections."),
    ("appeal", "appeals", "Appeals against a restriction."),
    ("property", "properties", "Properties that put visiting staff at risk."),
    ("git", "audit", "Drivers git calls: textconv and merge."),
    ("foi", "letters", "Freedom of Information section 14 decisions."),
    ("cache", "cache", "The local cache of decrypted sections, under .git/ucbr/."),
    ("server", "server", "The council's git server as the gate."),
    ("root", "trust", "The root of trust: hand it to a new key; re-root after a purge."),
    (
        "settings",
        "settings",
        "The council's details, the policy's numbers and its letter templates.",
    ),
)

# ``ucbr --help`` lists the commands by who uses them, each command in one section.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Before contact (everyone)", ("lookup", "show")),
    (
        "Frontline and case officers",
        ("add-incident", "escalate", "letter", "adjustments", "review", "appeal", "property"),
    ),
    ("Managers and heads of service", ("approve", "reject", "staff", "settings")),
    (
        "Information governance",
        ("audit", "history", "check", "revert", "sar", "evidence", "retention", "stats", "foi"),
    ),
    ("The morning job (cron or CI)", ("review-due", "list", "sync")),
    (
        "Setting up",
        ("init", "clone", "import", "keys", "server", "root", "git", "schema", "cache"),
    ),
)

# The top level's own help and options, as ``ucbr --help`` shows them: (flags, help).
SUMMARY = "The Unreasonable Customer Behaviour Register."
EPILOG = (
    "Every option may come anywhere on the line. `ucbr COMMAND -h` shows a command's options "
    "and an example. Exit codes: 0 done, 1 refused, 2 usage, 3 due, 4 overdue, 5 faults "
    "found, 6 integrity."
)
OPTIONS: tuple[tuple[str, str], ...] = (
    (
        "--register PATH",
        "The register (default: UCBR_REGISTER or the current directory).",
    ),
    (
        "--identity PATH",
        "Your key (default: UCBR_IDENTITY_FILE or $XDG_CONFIG_HOME/ucbr/identity.key).",
    ),
    (
        "--passphrase-fd N",
        "Read a locked key's passphrase from this file descriptor, for a service (default: "
        "asked on the terminal).",
    ),
    ("--version", "Print the version and exit."),
    ("--install-completion", "Install completion for the current shell."),
    ("--show-completion", "Show completion for the current shell, to copy it."),
    ("-h, --help", "Show this message and exit."),
)
GLOBAL_OPTIONS = (
    "--register",
    "--identity",
    "--passphrase-fd",
)  # options of the top level that take a value
# The top level's flags: any other option typed before a command's name is the command's.
TOP_FLAGS = ("--version", "-h", "--help", "--install-completion", "--show-completion")


def module_of(name: str) -> str | None:
    """The module (under ``ucbr.cli``) that defines a command or group, or None."""
    for entry, module, _ in COMMANDS + GROUPS:
        if entry == name:
            return module
    return None


def names() -> list[str]:
    """Every command and group, in the order ``ucbr --help`` lists them."""
    return [name for _, section in SECTIONS for name in section]


def help_of(name: str) -> str:
    """The one-line help of a command or group."""
    return next(text for entry, _, text in COMMANDS + GROUPS if entry == name)
