"""How each rule of the policy is kept: the invariants that judge every record against it,
the commands that apply it, and, where ucbr cannot hold all of it, what is left to people.

``docs/policy-trace.md`` is generated from this and ``ucbr.domain.policy.rules``; its test
fails when an invariant or a command named here does not exist, when a rule is said to be
kept only in part without saying what is not, or when a rule has no passing test.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kept:
    """Who keeps a rule: invariants (by name), commands, and what is left to people."""

    invariants: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    gap: str = ""  # what ucbr does not hold of the rule; empty: it is enforced

    @property
    def status(self) -> str:
        """ "enforced", or "in part" when a part of the rule is the council's judgement."""
        return "in part" if self.gap else "enforced"


LADDER = ("ladder-followed",)
KEPT: dict[str, Kept] = {
    "every employee": Kept(commands=("add-incident",)),
    "every channel of contact": Kept(commands=("add-incident",)),
    "representatives": Kept(commands=("add-incident", "lookup")),
    "every service": Kept(commands=("add-incident", "escalate")),
    "aggressive or abusive behaviour": Kept(commands=("add-incident",)),
    "unreasonable demands and extensive contact": Kept(commands=("add-incident",)),
    "premises risk": Kept(
        ("special-category-condition", "property-reviewed", "property-four-eyes"),
        ("property add", "property approve", "lookup"),
    ),
    "each case on its own facts": Kept(
        LADDER,
        ("add-incident", "escalate"),
        gap="judging each case on its own facts is the officers': ucbr refuses a likely "
        "duplicate case and makes each decision name the incidents it relies on",
    ),
    "applied on recorded behaviour": Kept(LADDER, ("escalate",)),
    "approval by the relevant manager or head of service": Kept(
        ("four-eyes", "relevant-approver", "import-attests-only-its-importer"),
        ("approve", "reject"),
    ),
    "considerations": Kept(
        ("decision-terms",),
        ("escalate", "approve"),
        gap="ucbr requires the considerations to be recorded and approved; how they were "
        "weighed is the approver's judgement",
    ),
    "step 1: a verbal warning": Kept((*LADDER, "decision-terms"), ("escalate", "letter")),
    "step 2: an informal written warning": Kept(LADDER, ("escalate", "letter", "review-due")),
    "the bypass": Kept(LADDER, ("escalate",)),
    "step 3: a formal written warning with restrictions": Kept(
        (*LADDER, "decision-terms"), ("escalate", "approve", "letter")
    ),
    "restrictions": Kept(("decision-terms", "single-point-of-contact-is-staff"), ("escalate",)),
    "refusal of contact": Kept((*LADDER, "removed-only-on-change"), ("escalate", "letter")),
    "the register": Kept(("one-at-a-time", "sections-agree"), ("lookup", "show")),
    "what the register provides": Kept(
        ("sections-agree", "entry-follows-record"), ("lookup", "show", "letter")
    ),
    "confidential": Kept(("leaver-loses-access",), ("show", "audit")),
    "access by business need": Kept(
        ("one-key-one-member", "no-own-key", "leaver-loses-access"), ("staff", "keys")
    ),
    "access for staff in contact with service users": Kept(commands=("lookup",)),
    "properties without notifying the owner": Kept(commands=("property add", "letter")),
    "properties without timescales": Kept(("property-reviewed",), ("property review",)),
    "appeal": Kept(("appeal-in-time-and-uninvolved",), ("appeal lodge", "appeal decide", "letter")),
    "the entry during an appeal": Kept(commands=("appeal lodge", "lookup")),
    "six-monthly review": Kept(("reviewed-six-monthly",), ("review", "review-due", "check")),
    "telling the outcome of a review": Kept(commands=("review", "letter", "review-due")),
    "removed only on significant change": Kept(("removed-only-on-change",), ("review",)),
    "staying in place": Kept(("four-eyes", "relevant-approver"), ("review", "approve")),
    "reasonable adjustments and essential services": Kept(
        ("adjustments-bind", "decision-terms"), ("adjustments", "escalate", "review", "letter")
    ),
    "data protection": Kept(
        ("retention-when-due",),
        ("retention", "sar", "stats", "evidence"),
        gap="complying with the legislation is the council's: ucbr keeps retention, "
        "subject access, suppressed statistics and a record of every disclosure",
    ),
    "the minimum of personal data": Kept(
        ("special-category-condition",),
        ("add-incident", "property add"),
        gap="ucbr warns of identifiers and health details typed into free text; what is "
        "necessary is the officer's judgement",
    ),
    "the privacy notice": Kept(commands=("letter", "check", "settings")),
    "FOI section 14": Kept(commands=("foi", "letter", "review-due")),
}
