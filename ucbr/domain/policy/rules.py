"""The policy's sentences, each traced to the code that enforces it, or said not to be a rule.

One registry, as beancount lists its checks: every sentence (or list item) of the
council's policy (``docs/policy.txt``) is named by a ``Rule`` with the code that enforces
it, or by a ``Context`` with the reason it is not a rule (a heading, a statement of
purpose, a document the council keeps outside ucbr). Code is named by its dotted path, so
the domain names services without importing them; ``tests/test_policy_trace.py`` imports
every path, finds the tests whose docstrings quote each rule, fails when a sentence is
untraced, and keeps ``docs/policy-trace.md`` current.

A sentence is named by the words it starts with (``says``), enough to pick it alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BULLET = "·"


@dataclass(frozen=True)
class Rule:
    """A rule of the policy: the sentences that state it and the code that enforces it."""

    name: str
    says: tuple[str, ...]
    enforced_by: tuple[str, ...]


@dataclass(frozen=True)
class Context:
    """Sentences of the policy that are not rules, and why."""

    says: tuple[str, ...]
    because: str


def policy_units(text: str) -> list[str]:
    """The policy as sentences and list items, hard-wrapped lines joined again.

    A line continues the one before when it starts in lower case and both are prose (or
    the one before left a bracket open); list items ("·") stand alone; prose is split at
    full stops, never after a single capital letter ("A. Aggressive…").
    """
    joined: list[tuple[bool, str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        bullet = line.startswith(BULLET)
        body = line.lstrip(BULLET).strip()
        if not body:
            continue
        if joined and body[0].islower():
            was_bullet, before = joined[-1]
            open_bracket = before.count("(") > before.count(")")
            prose = not bullet and not was_bullet and not before.endswith(":")
            if prose or open_bracket:
                joined[-1] = (was_bullet, f"{before} {body}")
                continue
        joined.append((bullet, body))
    units: list[str] = []
    for bullet, line in joined:
        if bullet:
            units.append(line)
            continue
        merged: list[str] = []
        for part in re.split(r"(?<=[.!?])\s+(?=[A-Z(‘])", line):
            if merged and re.fullmatch(r"[A-Z]\.", merged[-1]):
                merged[-1] = f"{merged[-1]} {part}"
            else:
                merged.append(part)
        units.extend(p.strip() for p in merged if p.strip())
    return units


POLICY = "ucbr.domain.policy"
RULES: tuple[Rule, ...] = (
    Rule(
        "every employee",
        ("This Policy covers all employees",),
        ("ucbr.domain.permissions.REPORTERS", f"{POLICY}.incidents.record_incident"),
    ),
    Rule(
        "every channel of contact",
        (
            "For the avoidance of doubt",
            "This Policy applies to all contact",
            "telephone",
            "written correspondence",
            "face to face contact",
            "The definition of ‘unacceptable’",
        ),
        ("ucbr.domain.model.Channel", "ucbr.domain.model.Location"),
    ),
    Rule(
        "representatives",
        ("those individuals representing the customer",),
        ("ucbr.domain.model.Incident", "ucbr.domain.letters.parts.incidents_relied_on"),
    ),
    Rule(
        "every service",
        ("all services provided by the Council",),
        (f"{POLICY}.incidents.record_incident", f"{POLICY}.terms.restricting_terms"),
    ),
    Rule(
        "aggressive or abusive behaviour",
        (
            "There are a range of behaviours",
            "A. Aggressive or abusive behaviour",
            "This includes the following behaviours",
            "abusive",
            "offensive",
            "discriminatory or threatening language",
            "threats",
            "intimidation",
            "harassment",
            "physically aggressive",
            "inflammatory, aggressive",
            "damage to Council property",
        ),
        ("ucbr.domain.model.BEHAVIOURS_A", f"{POLICY}.incidents.record_incident"),
    ),
    Rule(
        "unreasonable demands and extensive contact",
        (
            "B. Unreasonable demands",
            "A demand can be unreasonable",
            "This may involve an individual making repeated contact",
        ),
        ("ucbr.domain.model.BEHAVIOURS_B", f"{POLICY}.incidents.record_incident"),
    ),
    Rule(
        "premises risk",
        (
            "Council representatives may be required to undertake visits",
            "This could include the potential for a serious incident",
            "Examples of potential property",
            "A dangerous pet",
            "Violence or threats from other family members",
            "Violence or threats from other residents",
            "Sexual offenders",
            "Exposure to hazardous substances",
            "Structurally unsafe property",
            "Guns and weapons",
            "Issues relating to mental health",
            "Substance abuse",
            "Environmental hazards",
        ),
        (
            "ucbr.domain.model.RISK_KINDS",
            f"{POLICY}.properties.propose_property",
            "ucbr.domain.matching.Match.shows_details",
        ),
    ),
    Rule(
        "each case on its own facts",
        ("Each case will be reviewed and considered",),
        (f"{POLICY}.incidents.open_case", f"{POLICY}.ladder.relied_on", "ucbr.domain.duplicates"),
    ),
    Rule(
        "applied on recorded behaviour",
        ("This Policy may be applied when it is agreed",),
        (f"{POLICY}.ladder.relied_on", f"{POLICY}.ladder.check_warning_followed"),
    ),
    Rule(
        "approval by the relevant manager or head of service",
        ("The decision to manage a person’s contact",),
        (
            f"{POLICY}.approval.approve",
            f"{POLICY}.approval.approver_problem",
            "ucbr.domain.permissions",
        ),
    ),
    Rule(
        "considerations",
        ("This decision will consider all factors",),
        (f"{POLICY}.terms.missing_terms",),
    ),
    Rule(
        "step 1: a verbal warning",
        ("Step 1 - A Verbal Warning", "If we consider that your behaviour"),
        (f"{POLICY}.terms.warning_terms", "ucbr.domain.letters.kinds.letter_facts"),
    ),
    Rule(
        "step 2: an informal written warning",
        ("Step 2 - An Informal Written Warning", "Following a verbal warning"),
        (f"{POLICY}.ladder.check_warning_followed", "ucbr.domain.views.letters_owed"),
    ),
    Rule(
        "the bypass",
        ("Please note that in the case of violence",),
        (f"{POLICY}.ladder.check_bypass", "ucbr.domain.model.SERIOUS_BEHAVIOURS"),
    ),
    Rule(
        "step 3: a formal written warning with restrictions",
        ("Step 3 - A Formal Written Warning", "For repeated or more serious offences"),
        (f"{POLICY}.ladder.escalate", "ucbr.domain.letters.kinds.letter_facts"),
    ),
    Rule(
        "restrictions",
        (
            "Restrictions may be as follows",
            "specific method of communication only",
            "requesting that contact is only made",
            "persistent offenders may be banned",
            "restricting correspondence to a designated person",
        ),
        (f"{POLICY}.restrictions.check_restriction", f"{POLICY}.restrictions.check_together"),
    ),
    Rule(
        "refusal of contact",
        ("If the behaviour continues after warnings letters",),
        (f"{POLICY}.ladder.check_behaviour_continued",),
    ),
    Rule(
        "the register",
        ("Where you are the subject of a contact restriction",),
        ("ucbr.domain.views.on_register", "ucbr.domain.views.entry_of"),
    ),
    Rule(
        "what the register provides",
        ("The UCBR will provide your personal details",),
        ("ucbr.domain.views.entry_of", "ucbr.domain.words.restriction_in_force"),
    ),
    Rule(
        "confidential",
        ("All details on UCBR are strictly confidential",),
        ("ucbr.domain.staff.SECTION_KEY", "ucbr.domain.fields.mask_value"),
    ),
    Rule(
        "access by business need",
        ("Viewable access to the UCBR is restricted", "The Council limits representatives"),
        ("ucbr.domain.staff.tier_of", "ucbr.domain.permissions.ADMINISTRATORS"),
    ),
    Rule(
        "access for staff in contact with service users",
        ("Access will be available to Council representatives",),
        ("ucbr.domain.staff.tier_of", "ucbr.services.lookup.find"),
    ),
    Rule(
        "properties without notifying the owner",
        ("Restrictions on properties can be added", "This is because we are not restricting"),
        (
            f"{POLICY}.properties.propose_property",
            "ucbr.domain.letters.kinds.refuse_property_letter",
        ),
    ),
    Rule(
        "properties without timescales",
        ("Restrictions on properties do not require defined timescales",),
        ("ucbr.domain.model.PropertyRisk", f"{POLICY}.properties.review_property"),
    ),
    Rule(
        "appeal",
        ("You have the right to appeal",),
        (
            f"{POLICY}.appeals.appeal_deadline",
            f"{POLICY}.appeals.appealable",
            f"{POLICY}.appeals.check_not_involved",
            "ucbr.domain.letters.routes.appeal_route",
        ),
    ),
    Rule(
        "the entry during an appeal",
        ("The UCBR entry and restrictions remain in place", "A note is added to the register"),
        ("ucbr.domain.views.entry_of", f"{POLICY}.appeals.lodge_appeal"),
    ),
    Rule(
        "six-monthly review",
        ("All restrictions will be reviewed on a six-monthly basis",),
        ("ucbr.domain.views.review_limit", f"{POLICY}.reviews.review", "ucbr.domain.faults"),
    ),
    Rule(
        "telling the outcome of a review",
        ("Where it is appropriate, we will notify you",),
        ("ucbr.domain.views.letters_owed", f"{POLICY}.reviews.review"),
    ),
    Rule(
        "removed only on significant change",
        ("Restrictions will only be removed if",),
        (f"{POLICY}.reviews.review",),
    ),
    Rule(
        "staying in place",
        ("Restrictions will stay in place where there is no evident change",),
        (f"{POLICY}.reviews.review",),
    ),
    Rule(
        "reasonable adjustments and essential services",
        ("Any restrictions imposed will take into account",),
        (
            f"{POLICY}.adjustments.conflicts",
            f"{POLICY}.adjustments.unjustified",
            f"{POLICY}.terms.missing_terms",
            "ucbr.domain.letters.form.letter_form",
        ),
    ),
    Rule(
        "data protection",
        ("The Council will comply with the Data Protection",),
        ("ucbr.services.retention", "ucbr.services.sar", "ucbr.services.stats"),
    ),
    Rule(
        "the minimum of personal data",
        ("The quantity of personal data added to the UCBR",),
        ("ucbr.domain.screening.screen_free_text", "ucbr.domain.model.SPECIAL_CATEGORY_RISKS"),
    ),
    Rule(
        "the privacy notice",
        ("A Privacy Notice is available", "Our privacy notice is a statement"),
        ("ucbr.domain.settings.PolicyConfig", "ucbr.domain.letters.kinds.letter_facts"),
    ),
    Rule(
        "FOI section 14",
        ("The Council may apply the principles", "Further information on Section 14"),
        ("ucbr.domain.foi.record_foi", "ucbr.domain.foi.foi_refusal_due"),
    ),
)

CONTEXT: tuple[Context, ...] = (
    Context(
        (
            "INTRODUCTION",
            "DEFINING UNACCEPTABLE BEHAVIOUR",
            "What is considered unreasonable",
            "Premise Risk",
            "Reporting unacceptable behaviour",
            "MANAGING UNACCEPTABLE BEHAVIOUR",
            "UNREASONABLE CUSTOMER BEHAVIOUR REGISTER",
            "Appeal",
            "Monitoring and Review",
            "EQUALITY OF ACCESS",
            "DATA PROTECTION",
            "FREEDOM OF INFORMATION",
        ),
        "a heading",
    ),
    Context(
        (
            "West Oxfordshire District Council (the Council) is committed",
            "However, they acknowledge",
            "On occasion, customers may behave",
            "Where this occurs, the Council reserves the right",
            "The Unreasonable Customer Behaviour Policy (‘the Policy’) sets out",
            "This Policy is designed to assist employees",
            "We will record and share information",
            "This Policy aims to:",
            "define what we mean",
            "ensure our employees are protected",
            "clarify how unreasonable customer behaviour",
            "ensure our limited Council resources",
            "Council representatives meet a diverse population",
        ),
        "the policy's purpose; the rules that serve it are traced above",
    ),
    Context(
        ("In applying this Policy, we are following best practice",),
        "the sources ucbr follows too: shared/DOMAIN.md records what they add",
    ),
    Context(
        (
            "This data processing could result in a high risk",
            "To mitigate this risk, we have undertaken a Data Protection Impact Assessment",
            "This describes our process designed to identify risks",
        ),
        "the council's DPIA, a document kept outside ucbr",
    ),
)
