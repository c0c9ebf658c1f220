"""Random sequences of policy actions keep the register's invariants after every step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.policy_helpers import (
    CFG,
    ROLES,
    STAFF,
    TODAY,
    case_with_warnings,
    ctx,
    issue_letter,
    make_case,
    make_incident,
    new_id,
    registered_case,
    serious_incident,
)
from ucbr.domain import invariants, policy, views
from ucbr.domain.invariants import Facts
from ucbr.domain.model import (
    BEHAVIOURS,
    LADDER,
    RESTRICTING_STEPS,
    SERIOUS_BEHAVIOURS,
    Case,
    Decision,
    LetterIssued,
    PropertyRisk,
    Restriction,
)
from ucbr.domain.policy.adjustments import conflicts
from ucbr.domain.views import GIVEN_STATUSES
from ucbr.errors import Refused

T = TypeVar("T")
START = TODAY
# Casework staff act most; everyone else now and then, to be refused.
ACTORS = st.sampled_from([*sorted(ROLES), "officer", "officer2", "manager", "manager2", "head"])
VALID_RESTRICTIONS = [
    Restriction(kind="single_channel", channel="letter"),
    Restriction(kind="contact_times", days=("mon", "thu"), hours="09:00-12:00"),
    Restriction(kind="premises_ban", premises="Town Hall"),
    Restriction(kind="single_point_of_contact", staff="officer2"),
    Restriction(kind="no_further_responses", topic="the 2019 planning decision"),
]
RESTRICTIONS = st.sampled_from(
    [
        Restriction(kind="single_channel", channel="letter"),
        Restriction(kind="single_channel", channel="email"),
        Restriction(kind="single_channel", channel="telephone"),
        Restriction(kind="contact_times", days=("mon", "thu"), hours="09:00-12:00"),
        Restriction(kind="contact_times", days=("tue",), hours="15:00-10:00"),
        Restriction(kind="designated_email", email="complaints@example.gov.uk"),
        Restriction(kind="premises_ban", premises="Town Hall"),
        Restriction(kind="premises_ban", premises="Depot", until=dt.date(2030, 1, 1)),
        Restriction(kind="single_point_of_contact", staff="officer2"),
        Restriction(kind="no_further_responses", topic="the 2019 planning decision"),
    ]
)
# Mostly within six months; some just beyond it, to be refused.
REVIEW_IN_DAYS = st.sampled_from([0, 7, 30, 60, 90, 120, 150, 170, 180, 184, 186, 200])
RISKS = st.lists(
    st.sampled_from(["dangerous_animal", "weapons", "mental_health", "squalor"]),
    min_size=1,
    max_size=2,
)


def was_given(d: Decision) -> bool:
    return d.status not in ("rejected", "proposed")


def warned_without_new_incident(case: Case) -> bool:
    """Step 2 or 3 given after the step below with no incident new since that warning."""
    for index, d in enumerate(case.decisions):
        target = LADDER.index(d.step)
        if target not in (1, 2) or d.variation_of is not None:
            continue
        earlier = [e for e in case.decisions[:index] if e.status in GIVEN_STATUSES]
        below = [e.proposed_on for e in earlier if LADDER.index(e.step) == target - 1]
        if not below:
            continue
        answered = {i for e in earlier if LADDER.index(e.step) < target for i in e.incidents}
        dates = {i.id: i.date for i in case.incidents}
        if not any(i not in answered and dates[i] >= max(below) for i in d.incidents):
            return True
    return False


def refused_before_warning_letter(case: Case) -> bool:
    """Contact refused with no relied-on incident on or after a formal-warning letter."""
    formal = {d.id for d in case.decisions if d.step == "formal_written_warning"}
    sent = [x.date for x in case.letters if x.kind == "formal-warning" and x.about in formal]
    dates = {i.id: i.date for i in case.incidents}
    for d in case.decisions:
        refusal = d.step == "contact_refused" and d.variation_of is None
        if refusal and (not sent or all(dates[i] < min(sent) for i in d.incidents)):
            return True
    return False


def step_skipped(case: Case) -> bool:
    """A step with no earlier step below it, and no incident of violence or a serious threat
    (the policy's behaviours) relied on to bypass steps 1 and 2."""
    serious = {i.id for i in case.incidents if set(i.behaviours) & SERIOUS_BEHAVIOURS}
    for index, d in enumerate(case.decisions):
        target = LADDER.index(d.step)
        if d.status == "rejected" or target == 0:
            continue
        earlier = [LADDER.index(e.step) for e in case.decisions[:index] if was_given(e)]
        bypassed = target <= 2 and d.bypass_incident in serious
        if max(earlier, default=-1) < target - 1 and not bypassed:
            return True
    return False


class RegisterMachine(RuleBasedStateMachine):
    """One case and one property, worked on by random staff on advancing days."""

    def __init__(self) -> None:
        super().__init__()
        self.today = START
        self.case: Case = make_case(today=START)
        self.prop: PropertyRisk | None = None

    @initialize(
        start=st.sampled_from(["incident", "serious", "warned", "on_register", "letter_sent"])
    )
    def open(self, start: str) -> None:
        """Start from a fresh incident, or part-way up the ladder, so later stages get explored."""
        if start == "serious":
            self.case, _ = serious_incident(make_case())
        elif start == "incident":
            self.case, _ = make_incident(make_case())
        elif start == "warned":
            self.case, _ = case_with_warnings()
        else:
            self.case, formal = registered_case()
            if start == "letter_sent":
                self.case = issue_letter(self.case, "formal-warning", formal.id)

    def attempt(self, action: str, fn: Callable[[], T]) -> T | None:
        """Run an action; a refusal is a ``Refused`` of one line that names no one."""
        try:
            result = fn()
        except Exception as error:  # any other exception type is itself the failure
            assert type(error) is Refused, f"{action} raised {type(error).__name__}: {error}"
            message = str(error)
            assert message.startswith("refused: ") and "\n" not in message, message
            leaks = [value for value in self.private_values() if value in message]
            assert not leaks, message
            event(f"{action}: refused")
            return None
        event(f"{action}: done")
        return result

    def private_values(self) -> list[str]:
        """The case's personal data and incident summaries: never to appear in a refusal."""
        person = self.case.person
        values = [person.name, person.address, person.postcode]
        values += [*person.aliases, *person.emails, *person.phones]
        values += [i.summary for i in self.case.incidents]
        return [value for value in values if value]

    def ctx(self, actor: str) -> policy.Ctx:
        return ctx(actor, self.today)

    def incident_ids(self, picks: list[int]) -> tuple[str, ...]:
        ids = [i.id for i in self.case.incidents]
        return tuple(ids[p % len(ids)] for p in picks) if ids else ()

    def escalation(self, data: Any, to: Any = None) -> policy.EscalationRequest:
        """Mostly a request complete for its step, sometimes a random (often refused) one."""
        picks = data.draw(st.lists(st.integers(0, 40), min_size=1, max_size=3))
        # Often the latest incident too: the behaviour continuing is what later steps need.
        if self.case.incidents and data.draw(st.booleans()):
            picks.append(len(self.case.incidents) - 1)
        incidents = self.incident_ids(picks)
        if data.draw(st.integers(0, 3)) == 0:
            return self.random_escalation(data, to, incidents)
        step = to or self.expected_step()
        if step in ("verbal_warning", "informal_written_warning"):
            return policy.EscalationRequest(to=to, incidents=incidents, note="Asked to stop.")
        # The deciding officer sometimes relies on one of the incidents to skip the warnings.
        bypass = data.draw(st.sampled_from([None, *incidents]))
        return policy.EscalationRequest(
            to=to,
            incidents=incidents,
            bypass=bypass,
            bypass_reason="Pushed staff." if bypass else None,
            considerations="Considered; no barriers known.",
            restrictions=tuple(
                data.draw(
                    st.lists(
                        st.sampled_from(VALID_RESTRICTIONS), min_size=1, max_size=2, unique=True
                    )
                )
            ),
            essential_services="By letter to the offices.",
            review_by=self.today + dt.timedelta(days=data.draw(REVIEW_IN_DAYS)),
        )

    def expected_step(self) -> str:
        given = [
            LADDER.index(d.step)
            for d in self.case.decisions
            if was_given(d) and d.status != "overturned"
        ]
        return LADDER[min(max(given, default=-1) + 1, len(LADDER) - 1)]

    def random_escalation(
        self, data: Any, to: Any, incidents: tuple[str, ...]
    ) -> policy.EscalationRequest:
        return policy.EscalationRequest(
            to=to,
            incidents=incidents,
            considerations=data.draw(st.sampled_from([None, "Considered; no barriers known."])),
            note=data.draw(st.sampled_from([None, "Asked to stop."])),
            restrictions=tuple(data.draw(st.lists(RESTRICTIONS, max_size=2))),
            essential_services=data.draw(st.sampled_from([None, "By letter to the offices."])),
            scope=data.draw(st.sampled_from([None, None, "council-wide"])),
            scope_reason=data.draw(st.sampled_from([None, "Abuse across services."])),
            review_by=self.today + dt.timedelta(days=data.draw(st.integers(-3, 200))),
        )

    # --- actions on the case ----------------------------------------------------------------

    def apply(self, action: str, fn: Callable[[], tuple[Case, Any] | Case]) -> None:
        done = self.attempt(action, fn)
        if done is not None:
            self.case = done if isinstance(done, Case) else done[0]

    @rule(days=st.sampled_from([0, 1, 7, 30, 45, 75]))
    def time_passes(self, days: int) -> None:
        self.today += dt.timedelta(days=days)

    @rule(
        actor=ACTORS,
        serious=st.booleans(),
        back=st.sampled_from([0, 0, 1, 5, 10]),
        category=st.sampled_from("AB"),
    )
    def incident(self, actor: str, serious: bool, back: int, category: str) -> None:
        behaviours = ("physically_aggressive",) if serious and category == "A" else ()
        req = policy.IncidentRequest(
            date=self.today - dt.timedelta(days=back),
            channel="telephone",
            location="community",
            category=category,
            behaviours=behaviours or BEHAVIOURS[category][:1],
            summary="Factual summary of what happened.",
            serious=serious,
            by_representative=None,
            service="Housing",
        )
        self.apply("incident", lambda: policy.record_incident(self.case, req, self.ctx(actor)))

    @rule(actor=ACTORS, to=st.sampled_from([None, *LADDER]), data=st.data())
    def escalate(self, actor: str, to: Any, data: Any) -> None:
        req = self.escalation(data, to)
        self.apply("escalate", lambda: policy.escalate(self.case, req, self.ctx(actor)))

    @rule(data=st.data())
    def step_up(self, data: Any) -> None:
        """The next thing a council usually does: approve what is pending, or take a step."""
        pending = views.pending_proposal(self.case)
        if pending is not None:
            # Managers, but also the proposer and the reporters: they must be refused.
            reporters = [i.reported_by for i in self.case.incidents if i.id in pending.incidents]
            candidates = ["manager", "manager2", "head", pending.proposed_by, *reporters]
            self.decide_proposal(data.draw(st.sampled_from(candidates)), True)
            return
        to = data.draw(st.sampled_from([None, None, "formal_written_warning", "contact_refused"]))
        self.escalate(data.draw(st.sampled_from(["officer", "officer2"])), to, data)

    @rule(actor=ACTORS, approve=st.booleans())
    def decide_proposal(self, actor: str, approve: bool) -> None:
        if approve:
            self.apply("approve", lambda: policy.approve(self.case, self.ctx(actor)))
        else:
            reason = "Not proportionate."
            self.apply("reject", lambda: policy.reject(self.case, reason, self.ctx(actor)))

    @rule(
        actor=ACTORS,
        kind=st.sampled_from(["no_email", "no_written", "needs_telephone", "needs_advocate"]),
    )
    def adjustment(self, actor: str, kind: Any) -> None:
        self.apply("adjust", lambda: policy.add_adjustment(self.case, kind, None, self.ctx(actor)))

    @rule(
        actor=ACTORS,
        outcome=st.sampled_from(["continue", "vary", "lift"]),
        well_formed=st.booleans(),
        data=st.data(),
    )
    def review(self, actor: str, outcome: Any, well_formed: bool, data: Any) -> None:
        """A complete review by a case officer, or a random one by anyone."""
        variation = self.escalation(data, None) if outcome == "vary" else None
        if well_formed:
            actor = "officer"
            req = policy.ReviewRequest(
                outcome=outcome,
                reasons="Reviewed the record.",
                significant_change=outcome == "lift",
                variation=variation,
            )
        else:
            next_in = data.draw(st.one_of(st.none(), st.integers(-3, 200)))
            notify = data.draw(st.booleans())
            req = policy.ReviewRequest(
                outcome=outcome,
                reasons="Reviewed the record.",
                significant_change=data.draw(st.booleans()),
                next_review=None if next_in is None else self.today + dt.timedelta(days=next_in),
                notify=notify,
                no_notify_reason=None if notify else "Contact would restart the cycle.",
                variation=variation,
            )
        self.apply("review", lambda: policy.review(self.case, req, self.ctx(actor)))

    @rule(
        actor=ACTORS,
        back=st.sampled_from([0, 0, 5, 40]),
        late_reason=st.sampled_from([None, "Was in hospital."]),
        outcome=st.sampled_from(["upheld", "overturned", "varied"]),
        involved=st.frozensets(ACTORS, max_size=1),
        data=st.data(),
    )
    def appeal(
        self,
        actor: str,
        back: int,
        late_reason: str | None,
        outcome: Any,
        involved: frozenset[str],
        data: Any,
    ) -> None:
        """Lodge an appeal when none is pending, else decide the pending one."""
        if views.pending_appeal(self.case) is None:
            received = self.today - dt.timedelta(days=back)
            self.apply(
                "lodge",
                lambda: policy.lodge_appeal(self.case, received, late_reason, self.ctx(actor)),
            )
            return
        variation = self.escalation(data, None) if outcome == "varied" else None
        reasons = "Considered afresh."
        self.apply(
            "decide",
            lambda: policy.decide_appeal(
                self.case, outcome, reasons, self.ctx(actor), involved, variation
            ),
        )

    @rule(kind=st.sampled_from(["formal-warning", "contact-refused", "restriction-ended"]))
    def letter(self, kind: Any) -> None:
        current = views.decision_in_force(self.case)
        issued = LetterIssued(
            id=new_id("L"),
            kind=kind,
            date=self.today,
            about=current.id if current else None,
            format="pdf",
            template_sha256="0" * 64,
            sha256="1" * 64,
            by="officer",
            policy="0123456789ab",
        )
        self.apply("letter", lambda: policy.record_letter(self.case, issued))

    # --- actions on the property ------------------------------------------------------------

    @rule(
        actor=ACTORS,
        risks=RISKS,
        condition=st.sampled_from([None, "Vital interests of staff."]),
        decision=st.sampled_from(["approve", "reject", "continue", "vary", "lift"]),
    )
    def property(self, actor: str, risks: list[str], condition: str | None, decision: Any) -> None:
        """Propose a property risk when none is live, else approve, reject or review it."""
        prop = self.prop
        done: PropertyRisk | None
        if prop is None or prop.decision.status in ("rejected", "lifted"):
            done = self.attempt(
                "property",
                lambda: policy.propose_property(
                    new_id("P"),
                    policy.PropertyTerms(
                        address="2 Demo Lane",
                        postcode="OX28 9ZY",
                        uprn="100120000001",
                        risks=tuple(risks),
                        guidance="Attend in pairs.",
                        details="INTERNAL detail.",
                        condition=condition,
                        not_notified_reason="Could provoke the risk.",
                    ),
                    self.ctx(actor),
                ),
            )  # fmt: skip
        elif decision == "approve":
            done = self.attempt(
                "approve property", lambda: policy.approve_property(prop, self.ctx(actor))
            )
        elif decision == "reject":
            done = self.attempt(
                "reject property",
                lambda: policy.reject_property(prop, "No evidence.", self.ctx(actor)),
            )
        else:
            variation = (
                policy.PropertyChange(risks=tuple(risks), condition=condition)
                if decision == "vary"
                else None
            )
            done = self.attempt(
                "review property",
                lambda: policy.review_property(
                    prop, decision, "Checked.", self.ctx(actor), variation
                ),
            )
        if done is not None:
            self.prop = done

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def note_how_far_it_got(self) -> None:
        event(f"status: {views.status_of(self.case)}")
        current = views.decision_in_force(self.case)
        event(f"in force: {current.step if current else None}")

    @invariant()
    def on_register_iff_approved_restriction_in_force(self) -> None:
        approved = [d for d in self.case.decisions if d.status == "approved"]
        assert len(approved) <= 1
        in_force = any(d.step in RESTRICTING_STEPS and d.restrictions for d in approved)
        assert views.on_register(self.case) == in_force
        assert views.entry_of(self.case).on_register == in_force
        assert views.schedule_of(self.case, CFG).on_register == in_force
        assert (views.entry_of(self.case).person is not None) == in_force

    @invariant()
    def the_policy_writes_no_record_that_breaks_an_invariant(self) -> None:
        """The registry of invariants holds of every record the policy writes, so the
        write path, `check` and the audit never refuse what the policy allows."""
        facts = Facts(CFG, STAFF)
        assert invariants.judge_all(invariants.CASE, None, self.case, facts) == []
        if self.prop is not None:
            assert invariants.judge_all(invariants.PROPERTY, None, self.prop, facts) == []

    @invariant()
    def no_step_skipped_without_serious_incident(self) -> None:
        assert not step_skipped(self.case)

    @invariant()
    def warnings_follow_continuing_behaviour(self) -> None:
        assert not warned_without_new_incident(self.case)

    @invariant()
    def contact_refused_only_after_warning_letter(self) -> None:
        assert not refused_before_warning_letter(self.case)

    @invariant()
    def next_review_within_interval(self) -> None:
        current = views.decision_in_force(self.case)
        if current is None:
            return
        assert current.approved_on is not None
        due = views.next_review(self.case)
        reviewed = [r.date for r in self.case.reviews if r.decision == current.id]
        assert due is not None
        assert due <= views.review_limit(max([current.approved_on, *reviewed]), CFG)

    @invariant()
    def every_review_date_within_interval_of_its_decision(self) -> None:
        for d in self.case.decisions:
            if d.review_by is not None:
                assert d.review_by <= views.review_limit(d.proposed_on, CFG)
        for r in self.case.reviews:
            if r.next_review is not None:
                assert r.date <= r.next_review <= views.review_limit(r.date, CFG)

    @invariant()
    def approver_not_proposer_or_reporter(self) -> None:
        reporters = {i.id: i.reported_by for i in self.case.incidents}
        for d in self.case.decisions:
            if d.approved_by is not None:
                assert d.approved_by != d.proposed_by
                assert all(reporters[i] != d.approved_by for i in d.incidents)

    @invariant()
    def entry_stays_during_appeal(self) -> None:
        appeal = views.pending_appeal(self.case)
        current = views.decision_in_force(self.case)
        if appeal is not None and current is not None and current.id == appeal.decision:
            entry = views.entry_of(self.case)
            assert entry.on_register and entry.appeal_in_progress

    @invariant()
    def appeal_decided_by_officer_not_involved(self) -> None:
        by_id = {d.id: d for d in self.case.decisions}
        for appeal in self.case.appeals:
            original = by_id[appeal.decision]
            reporters = {i.reported_by for i in self.case.incidents if i.id in original.incidents}
            assert appeal.decided_by not in {original.proposed_by, original.approved_by, *reporters}

    @invariant()
    def appeal_variation_approved_by_officer_not_involved(self) -> None:
        by_id = {d.id: d for d in self.case.decisions}
        for appeal in self.case.appeals:
            if appeal.outcome != "varied":
                continue
            original = by_id[appeal.decision]
            reporters = {i.reported_by for i in self.case.incidents if i.id in original.incidents}
            involved = {original.proposed_by, original.approved_by, *reporters}
            for d in self.case.decisions:
                if views.varied_by(self.case, d) is appeal and d.approved_by is not None:
                    assert d.approved_by not in involved

    @invariant()
    def restrictions_approved_respect_earlier_adjustments(self) -> None:
        """At approval, every conflict with an adjustment already recorded had a reason."""
        for d in self.case.decisions:
            if d.approved_on is None:
                continue
            justified = {j.adjustment for j in d.justifications}
            for conflict in conflicts(d.restrictions, self.case.adjustments):
                if conflict.adjustment.recorded_on < d.proposed_on:
                    assert conflict.adjustment.kind in justified

    @invariant()
    def lifted_or_overturned_is_off_the_register(self) -> None:
        current = views.decision_in_force(self.case)
        for d in self.case.decisions:
            if d.status in ("lifted", "overturned"):
                assert d is not current and d.ended_on is not None
        if current is None:
            assert not views.on_register(self.case)

    @invariant()
    def property_rules_hold(self) -> None:
        p = self.prop
        if p is None:
            return
        entry = views.property_entry_of(p)
        assert entry.in_force == (p.decision.status == "approved")
        assert p.details is None or p.details not in entry.model_dump_json()
        if p.decision.approved_by is not None:
            assert p.decision.approved_by != p.decision.proposed_by
        if p.decision.status == "approved":
            assert p.decision.approved_on is not None and p.next_review is not None
            since = max([p.decision.approved_on, *(r.date for r in p.reviews)])
            assert p.next_review <= views.review_limit(since, CFG)


RegisterMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=50, deadline=None)
TestRegister = RegisterMachine.TestCase
