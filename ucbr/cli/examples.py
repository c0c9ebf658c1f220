"""An example of each command, printed at the end of its ``--help`` (``server check-push``
has none: the pre-receive hook that ``server install-hook`` writes runs it).

``tests/test_cli_help.py`` parses every example against its command's own options, so an
example cannot name an option or a value the command does not take.
"""

from __future__ import annotations

import re
import shlex

CASE = "C-7K2M9QXD"
PROPERTY = "P-4H8N2R6T"
KEY = '"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq… jo@laptop"'

EXAMPLES: dict[str, tuple[str, ...]] = {
    "history": (f"ucbr history {CASE}",),
    "audit": ("ucbr audit", "ucbr audit --since 2026-11-01 --json"),
    "add-incident": (
        'ucbr add-incident --new --name "Pat Example" --postcode "OX28 6AA" --date 2026-11-01 '
        "--channel telephone --location council-premises --category A --behaviour abusive "
        '--summary "Shouted and swore at the officer."',
        f"ucbr add-incident {CASE} --date 2026-11-03 --channel email --location community "
        '--category B --behaviour repeated-contact --summary "Forty e-mails in one day."',
    ),
    "escalate": (
        f"ucbr escalate {CASE} --incident I-3J8K2M4P",
        f"ucbr escalate {CASE} --to formal-written-warning --incident I-3J8K2M4P "
        '--only-channel letter --considerations "None known." '
        '--essential-services "By letter to the council offices." --review-by 2027-05-01',
    ),
    "approve": (f"ucbr approve {CASE}",),
    "reject": (f'ucbr reject {CASE} --reason "The incidents relied on are not proven."',),
    "adjustments": (
        f'ucbr adjustments {CASE} --add needs-advocate --note "Their advocate attends."',
    ),
    "retention": ("ucbr retention", "ucbr retention --apply"),
    "sar": (f"ucbr sar {CASE} --out ~/sar-2026-11-29",),
    "evidence": (f"ucbr evidence {CASE} --out ~/ombudsman-2026-11-29",),
    "stats": ("ucbr stats", "ucbr stats --json"),
    "letter": (
        f"ucbr letter {CASE} --kind formal-warning --out ~/letters/formal-warning.pdf",
        f"ucbr letter {CASE} --kind formal-warning --out ~/letters/draft.md --preview",
    ),
    "lookup": ('ucbr lookup "Pat Example"', "ucbr lookup 07700900123", 'ucbr lookup "OX28 6AA"'),
    "init": ('ucbr init ~/register --council "Exampleshire District Council"',),
    "clone": (
        f"ucbr clone git@git.council.example:ucbr.git ~/register --root {KEY}",
        "ucbr clone git@git.council.example:ucbr.git ~/register --root SHA256:3q8Z…",
    ),
    "import": (
        "ucbr import --template ~/import/cases.xlsx",
        "ucbr import ~/import/cases.xlsx --dry-run",
        "ucbr import ~/import/cases.xlsx",
    ),
    "sync": ("ucbr sync",),
    "show": (f"ucbr show {CASE}", f"ucbr show {CASE} --json"),
    "list": ("ucbr list", "ucbr list --json"),
    "check": ("ucbr check",),
    "review-due": ("ucbr review-due", "ucbr review-due --within 14 --json"),
    "review": (
        f'ucbr review {CASE} --outcome continue --reasons "Contact is still abusive."',
        f'ucbr review {CASE} --outcome lift --reasons "No incidents for six months."',
    ),
    "keys new": ("ucbr keys new --out ~/.config/ucbr/identity.key",),
    "keys rotate": (f"ucbr keys rotate jsmith --recipient {KEY} --dry-run",),
    "staff add": (
        'ucbr staff add jsmith --name "Jo Smith" --email jo.smith@council.example '
        f'--role case-officer --key {KEY} --service Housing --job-title "Case Officer"',
    ),
    "staff list": ("ucbr staff list",),
    "staff remove": ("ucbr staff remove jsmith --dry-run", "ucbr staff remove jsmith"),
    "schema export": ("ucbr schema export --out schemas",),
    "appeal lodge": (f"ucbr appeal lodge {CASE} --received 2026-11-20",),
    "appeal decide": (
        f'ucbr appeal decide {CASE} --outcome upheld --reasons "The decision was sound."',
    ),
    "property add": (
        'ucbr property add --address "3 Kennel Close, Witney" --postcode "OX28 3KC" '
        '--risk dangerous-animal --guidance "Attend in pairs; phone ahead." '
        '--not-notified-reason "The risk is to visiting staff."',
    ),
    "property approve": (f"ucbr property approve {PROPERTY}",),
    "property reject": (f'ucbr property reject {PROPERTY} --reason "The dog has been rehomed."',),
    "property review": (
        f'ucbr property review {PROPERTY} --outcome continue --reasons "The dog is still there."',
    ),
    "git textconv": ("git config diff.ucbr.textconv 'ucbr git textconv'",),
    "git merge": ("git config merge.ucbr.driver 'ucbr git merge %O %A %B'",),
    "foi record": (
        f"ucbr foi record {CASE} --request-ref FOI-2026-0412 --received 2026-11-20 "
        '--decision s14-1 --reasons "The same request, the fifth time this month."',
    ),
    "server init": (
        "ucbr server init /srv/git/ucbr.git --root ~/.config/ucbr/identity.key.pub",
        f"ucbr server init /srv/git/ucbr.git --root {KEY}",
    ),
    "server install-hook": (
        "ucbr server install-hook /srv/git/ucbr.git",
        "ucbr server install-hook /srv/git/ucbr.git --audit-key /etc/ucbr/audit.key",
    ),
    "revert": ("ucbr revert 4f1c2ab",),
    "root rotate": ("ucbr root rotate --new-key ~/root-2027.key --root-key ~/root.key",),
    "root re-root": (
        "ucbr root re-root --root-key ~/root.key "
        "--replaces 4f1c2ab9d0e3f5a6b7c8d9e0f1a2b3c4d5e6f7a8",
    ),
    "settings show": ("ucbr settings show",),
    "cache clear": ("ucbr cache clear",),
    "settings set": (
        'ucbr settings set council_address "Council Offices, High Street, Witney OX28 6AA"',
        "ucbr settings set review_interval_months 3",
    ),
    "settings template": (
        "ucbr settings template formal-warning.html.j2 --from ~/our-formal-warning.html.j2",
    ),
}


def epilog(path: str, width: int = 78) -> str | None:
    """The examples of one command (its words after ``ucbr``), as its help ends them: each
    broken before an option, with a shell's ``\\``, to fit ``width`` columns."""
    found = EXAMPLES.get(path)
    if not found:
        return None
    lines = [part for example in found for part in _broken(example, width - 4)]
    # "\b" keeps click from re-wrapping the lines.
    return "Examples:\n\n\b\n" + "\n".join(lines)


def _broken(example: str, width: int) -> list[str]:
    """One example as lines of at most ``width`` (where it can), each option with its value."""
    groups: list[list[str]] = []
    for word in shlex.split(example):
        if word.startswith("-") or not groups:
            groups.append([])
        groups[-1].append(_quoted(word))
    lines: list[str] = []
    line = ""
    for group in (" ".join(g) for g in groups):
        if line and len(line) + 1 + len(group) + 2 > width:
            lines.append(f"{line} \\")
            line = "    " + group
        else:
            line = f"{line} {group}" if line else "  " + group
    lines.append(line)
    return lines


def _quoted(word: str) -> str:
    """A word as a shell reads it back: quoted only when it must be (``~`` stays bare)."""
    return word if re.fullmatch(r"[\w@%+=:,./~…-]+", word) else f'"{word}"'
