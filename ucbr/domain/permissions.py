"""Who may take which action: the one table the policy, the audit and commits all read.

Every command that changes the register is one ``Action``; its commit carries it in the
``Ucbr-Action`` trailer. The policy refuses an actor whose role is not listed here, and
the audit reports any commit whose author's role (in the staff directory in force when
they acted) is not listed for the commit's action. There is no second list to drift.
"""

from __future__ import annotations

from typing import Literal, TypeGuard, get_args

from ucbr.domain.staff import Role

Action = Literal[
    "init",
    "staff-add",
    "staff-remove",
    "keys-rotate",
    "add-incident",
    "escalate",
    "approve",
    "reject",
    "adjustment",
    "review",
    "appeal-lodge",
    "appeal-decide",
    "property-add",
    "property-approve",
    "property-reject",
    "property-review",
    "letter",
    "foi",
    "retention",
    "sar",
    "settings",
    "import",
    "evidence",
    "revert",
    "root-rotate",
    "re-root",
]
ACTIONS: tuple[Action, ...] = get_args(Action)

# Anyone who meets the public may report an incident; a service account may not.
REPORTERS: frozenset[Role] = frozenset(
    {"frontline", "case_officer", "manager", "head_of_service", "ig_officer"}
)
# Who may give warnings, propose restrictions and property risks, and hold reviews.
PROPOSERS: frozenset[Role] = frozenset({"case_officer", "manager", "head_of_service"})
# "The relevant business manager / Head of Service" approves, and decides appeals.
APPROVERS: frozenset[Role] = frozenset({"manager", "head_of_service"})
# Who may change who reads the register, and apply the data-protection rules.
ADMINISTRATORS: frozenset[Role] = frozenset({"manager", "head_of_service", "ig_officer"})
# Everyone who reads whole records.
CASEWORK: frozenset[Role] = frozenset({"case_officer", "manager", "head_of_service", "ig_officer"})

WHO_MAY: dict[Action, frozenset[Role]] = {
    "init": frozenset(),  # the first commit, made before there is any staff
    "staff-add": ADMINISTRATORS,
    "staff-remove": ADMINISTRATORS,
    "keys-rotate": ADMINISTRATORS,
    "add-incident": REPORTERS,
    "escalate": PROPOSERS,
    "approve": APPROVERS,
    "reject": APPROVERS,
    "adjustment": PROPOSERS,
    "review": PROPOSERS,
    "appeal-lodge": PROPOSERS,
    "appeal-decide": APPROVERS,
    "property-add": PROPOSERS,
    "property-approve": APPROVERS,
    "property-reject": APPROVERS,
    "property-review": PROPOSERS,
    "letter": CASEWORK,
    "foi": CASEWORK,
    "retention": ADMINISTRATORS,
    "sar": ADMINISTRATORS,
    "settings": ADMINISTRATORS,
    # Records brought in whole from another system (a council's old spreadsheet, or a
    # generated register): new files only, signed by an administrator, listed by the audit.
    "import": ADMINISTRATORS,
    # An evidence bundle for the Ombudsman or a court: whoever reads whole records may make
    # one, since nothing in it rests on who made it (the verifier checks every fact against
    # the commits of the officers who made them); each is a disclosure the audit lists.
    "evidence": CASEWORK,
    # Undoing a commit the audit reports (a forged record that reached the server).
    "revert": ADMINISTRATORS,
    # Statements of the root of trust: made by an administrator, signed with the root key.
    "root-rotate": ADMINISTRATORS,
    "re-root": ADMINISTRATORS,
}

# What each action is, in words a refusal can use: "the role frontline may not <doing>".
DOING: dict[Action, str] = {
    "init": "create a register",
    "staff-add": "add staff",
    "staff-remove": "remove staff",
    "keys-rotate": "change staff keys",
    "add-incident": "report an incident",
    "escalate": "give a warning or propose a restriction",
    "approve": "approve or reject a decision",
    "reject": "approve or reject a decision",
    "adjustment": "record a reasonable adjustment",
    "review": "review a restriction",
    "appeal-lodge": "record an appeal",
    "appeal-decide": "decide an appeal",
    "property-add": "propose a property risk",
    "property-approve": "approve or reject a property risk",
    "property-reject": "approve or reject a property risk",
    "property-review": "review a property risk",
    "letter": "issue a letter",
    "foi": "record an FOI decision",
    "retention": "delete expired cases",
    "sar": "answer a subject access request",
    "settings": "change the register's settings",
    "import": "import records",
    "evidence": "produce an evidence bundle",
    "revert": "revert a commit",
    "root-rotate": "hand the root of trust to a new key",
    "re-root": "re-root the register's history",
}


def is_action(text: str) -> TypeGuard[Action]:
    """Whether ``text`` names one of the register's actions."""
    return text in WHO_MAY


def may(role: str, action: Action) -> bool:
    """Whether a member of staff with ``role`` may take ``action``."""
    return role in WHO_MAY[action]


def refusal(role: str, action: Action) -> str:
    """The one-line reason a role may not take an action, naming the roles that may."""
    allowed = ", ".join(sorted(r.replace("_", " ") for r in WHO_MAY[action]))
    return (
        f"the role {role.replace('_', ' ')} may not {DOING[action]}; "
        f"that needs one of: {allowed or 'no member of staff'}"
    )
