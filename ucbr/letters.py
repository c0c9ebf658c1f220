"""Letters to the person: every warning, notice and outcome, from the case's own facts.

Ombudsman decisions find fault where a letter did not explain the decision, give the
review date or offer a route of appeal, so every letter states the behaviour relied on,
what is asked or imposed, how long it lasts and when it is reviewed, how to appeal, the
right to go to the LGSCO, how to keep reaching essential services, the reasonable
adjustments kept, the privacy notice and the policy version.

Templates are Jinja files in ``templates/``; a council overrides any of them by putting
a file of the same name in its register's ``.ucbr/templates/``. Rendering is sandboxed
and strict: case data is only ever a value, never template code.

``template_sha256`` is the SHA-256 of every template the letter used (the kind's own
template plus the layout and parts it extends or includes), taken over the sources
sorted by template name, each as ``name NUL source NUL``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar, get_args

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ucbr.config import PolicyConfig, StaffDirectory
from ucbr.dates import add_months
from ucbr.errors import Refused
from ucbr.model import (
    Appeal,
    Case,
    Decision,
    FoiRecord,
    Incident,
    LetterFormat,
    LetterKind,
    Restriction,
    Review,
)
from ucbr.plain import ADJUSTMENT_NAMES, CHANNEL_NAMES, DAY_NAMES, long_date
from ucbr.views import decision_in_force

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LGSCO_URL = "www.lgo.org.uk"
ICO_URL = "www.ico.org.uk"

Format = LetterFormat
Context = dict[str, Any]
T = TypeVar("T")


class LetterRefused(Refused):
    """A letter whose facts are not in the case yet."""


class LetterTemplateError(Refused):
    """A template that cannot render: a missing variable, bad syntax or unsafe code."""


@dataclass(frozen=True)
class RenderedLetter:
    kind: str
    format: str
    content: bytes
    template_sha256: str
    sha256: str
    about: str | None  # the decision, review, appeal or FOI record the letter concerns


# --- the facts each letter stands on ----------------------------------------------


def _latest(items: Iterable[T], wanted: Callable[[T], bool]) -> T | None:
    """The last matching item in list order: the record's latest word."""
    return next((item for item in reversed(tuple(items)) if wanted(item)), None)


def _decision(case: Case, decision_id: str) -> Decision:
    found = _latest(case.decisions, lambda d: d.id == decision_id)
    if found is None:
        raise LetterRefused(f"{case.id}: decision {decision_id} is not in the case")
    return found


def _warning(case: Case, step: str, what: str) -> Decision:
    found = _latest(case.decisions, lambda d: d.step == step and d.status != "rejected")
    if found is None:
        raise LetterRefused(f"{case.id} has no {what} recorded")
    return found


ENDED_WORDS = {"superseded": "superseded", "lifted": "lifted", "overturned": "overturned on appeal"}


def _approved(case: Case, step: str, what: str, kind: str) -> Decision:
    found = _latest(case.decisions, lambda d: d.step == step and d.status == "approved")
    if found is not None:
        return found
    latest = _latest(case.decisions, lambda d: d.step == step and d.status != "rejected")
    if latest is not None and latest.status in ENDED_WORDS:
        # Say what became of the decision: "waits for approval" would send staff the wrong way.
        when = f" on {latest.ended_on.isoformat()}" if latest.ended_on else ""
        raise LetterRefused(
            f"{case.id}: decision {latest.id} was {ENDED_WORDS[latest.status]}{when}; "
            f"no {kind} letter can be issued for it"
        )
    if latest is not None and latest.status == "proposed":
        raise LetterRefused(f"{case.id} has no approved {what}: the letter waits for approval")
    raise LetterRefused(f"{case.id} has no {what} recorded")


def _in_force(case: Case) -> Decision:
    found = decision_in_force(case)
    if found is None:
        raise LetterRefused(f"{case.id} has no restriction in force")
    return found


def _variation(case: Case, of: Decision, after: str) -> Decision:
    """The approved decision that replaced ``of`` after a review or appeal varied it."""
    found = _latest(case.decisions, lambda d: d.variation_of == of.id and d.approved_by is not None)
    if found is None:
        raise LetterRefused(f"{case.id}: the variation of {of.id} after {after} is not approved")
    return found


# --- plain words for the person -----------------------------------------------------

CATEGORY_NAMES = {
    "A": "aggressive or abusive behaviour",
    "B": "unreasonable demands or extensive contact",
}
HOW_NAMES = {
    "telephone": "by telephone",
    "email": "by e-mail",
    "online_form": "through our online form",
    "social_media": "on social media",
    "letter": "by letter",
    "face_to_face": "face to face",
}
WHERE_NAMES = {
    "council_premises": "at council premises",
    "community": "in the community",
    "residents_home": "at a home visit",
}
FOI_SECTIONS = {
    "s14-1": ("section 14(1)", "vexatious"),
    "s14-2": ("section 14(2)", "repeated"),
}


def _months(n: int) -> str:
    return "one month" if n == 1 else f"{n} months"


def _incident(incident: Incident) -> Context:
    how = HOW_NAMES[incident.channel]
    if incident.channel == "face_to_face":
        how = f"{how} {WHERE_NAMES[incident.location]}"
    return {
        "date": long_date(incident.date),
        "how": how,
        "category": CATEGORY_NAMES[incident.category],
        "behaviours": ", ".join(b.replace("_", " ") for b in incident.behaviours),
        "by_representative": incident.by_representative is not None,
    }


def _incidents(case: Case, decision: Decision) -> list[Context]:
    """The behaviour relied on, by date and channel: never the internal narrative."""
    by_id = {i.id: i for i in case.incidents}
    missing = [i for i in decision.incidents if i not in by_id]
    if missing:
        raise LetterRefused(f"{case.id}: incident {missing[0]} is not in the case")
    chosen = sorted((by_id[i] for i in decision.incidents), key=lambda i: i.date)
    return [_incident(i) for i in chosen]


def _staff_name(staff: StaffDirectory, staff_id: str, role: str) -> str:
    member = staff.by_id(staff_id)
    if member is None:
        raise LetterRefused(f"the {role} {staff_id} is not in the staff directory")
    return member.name


def _measure(r: Restriction, staff: StaffDirectory) -> str:
    """What a restriction asks of the person, addressed to them."""
    if r.kind == "single_channel":
        channel = CHANNEL_NAMES.get(r.channel or "", "one channel")
        return f"Please contact us only by {channel}. We will not respond to other channels."
    if r.kind == "contact_times":
        days = ", ".join(DAY_NAMES[d] for d in r.days) or "the days we agree with you"
        hours = f", {r.hours.replace('-', ' to ')}" if r.hours else ""
        return f"Please contact us only on {days}{hours}."
    if r.kind == "designated_email":
        return f"Please send e-mails only to {r.email}."
    if r.kind == "premises_ban":
        period = f"until {long_date(r.until)}" if r.until else "until we tell you otherwise"
        return f"You must not enter {r.premises} {period}."
    if r.kind == "single_point_of_contact":
        name = _staff_name(staff, r.staff or "", "single point of contact")
        return f"All your contact with us goes to {name}, your single point of contact."
    return (
        f"We will not reply further about {r.topic}. We will still read what you send "
        "for new information."
    )


def _spoc(decision: Decision, staff: StaffDirectory) -> str | None:
    r = _latest(decision.restrictions, lambda r: r.kind == "single_point_of_contact")
    return _staff_name(staff, r.staff or "", "single point of contact") if r else None


def _start(decision: Decision) -> dt.date:
    return decision.approved_on or decision.proposed_on


def _review_date(case: Case, decision: Decision, cfg: PolicyConfig) -> dt.date:
    """The next review: set at the latest review, else at the decision, else by policy."""
    review = _latest(case.reviews, lambda r: r.decision == decision.id and bool(r.next_review))
    if review is not None and review.next_review is not None:
        return review.next_review
    return decision.review_by or add_months(_start(decision), cfg.review_interval_months)


def _restrictions(
    case: Case, decision: Decision, cfg: PolicyConfig, staff: StaffDirectory
) -> Context:
    return {
        "measures": [_measure(r, staff) for r in decision.restrictions],
        "spoc": _spoc(decision, staff),
        "starts": long_date(_start(decision)),
        "review_date": long_date(_review_date(case, decision, cfg)),
        "refused": decision.step == "contact_refused",
    }


# Letters that tell the person of a decision for the first time, so open its appeal window.
TELLING_KINDS: frozenset[str] = frozenset(
    {"verbal-warning-note", "informal-warning", "formal-warning", "contact-refused"}
)


def _first_told(case: Case, decision: Decision) -> dt.date | None:
    dates = [
        letter.date
        for letter in case.letters
        if letter.about == decision.id and letter.kind in TELLING_KINDS
    ]
    return min(dates, default=None)


def appeal_deadline(
    case: Case, decision: Decision, cfg: PolicyConfig, today: dt.date, *, tells_decision: bool
) -> tuple[dt.date, dt.date | None]:
    """The policy's deadline to appeal ``decision``, and the later one a late first letter gives.

    The window runs from the decision (its approval). Nobody can appeal a decision before
    being told of it, so when the first letter telling of it (an issued one, else this one
    if ``tells_decision``) went out after the deadline, the window runs from that letter.
    Every letter states its appeal route from this one rule.
    """
    window = cfg.appeal_window_months
    deadline = add_months(_start(decision), window)
    told = _first_told(case, decision) or (today if tells_decision else None)
    extended = add_months(told, window) if told is not None and told > deadline else None
    return deadline, extended


def _appeal_route(f: _Facts, decision: Decision, *, tells_decision: bool) -> Context:
    """The appeal route of the decision in force, or the appeal already in progress."""
    deadline, extended = appeal_deadline(
        f.case, decision, f.cfg, f.today, tells_decision=tells_decision
    )
    pending = _latest(f.case.appeals, lambda a: a.decision == decision.id and a.outcome is None)
    return {
        "window": _months(f.cfg.appeal_window_months),
        "decision_date": long_date(_start(decision)),
        "deadline": long_date(deadline),
        "open": f.today <= deadline,
        "extended_to": long_date(extended) if extended and f.today <= extended else None,
        "closed_on": long_date(extended or deadline),
        "pending": long_date(pending.received) if pending else None,
    }


def _signatory(staff: StaffDirectory, staff_id: str | None, cfg: PolicyConfig) -> str:
    member = staff.by_id(staff_id) if staff_id else None
    return member.name if member else cfg.council


# --- the letter context, kind by kind ----------------------------------------------


@dataclass(frozen=True)
class _Facts:
    case: Case
    cfg: PolicyConfig
    staff: StaffDirectory
    today: dt.date


def _for_decision(f: _Facts, decision: Decision, signed_by: str | None) -> Context:
    return {
        "incidents": _incidents(f.case, decision),
        "signatory": _signatory(f.staff, signed_by, f.cfg),
        "essential_services": decision.essential_services or f.cfg.essential_services,
    }


def _warning_letter(f: _Facts, step: str, what: str) -> tuple[str | None, Context]:
    d = _warning(f.case, step, what)
    return d.id, {
        **_for_decision(f, d, d.proposed_by),
        "warning": {"date": long_date(d.proposed_on), "note": d.note},
        "appeal": _appeal_route(f, d, tells_decision=True),
    }


def _verbal_warning(f: _Facts) -> tuple[str | None, Context]:
    return _warning_letter(f, "verbal_warning", "verbal warning")


def _informal_warning(f: _Facts) -> tuple[str | None, Context]:
    return _warning_letter(f, "informal_written_warning", "informal written warning")


def _restricting(f: _Facts, step: str, what: str, kind: str) -> tuple[str | None, Context]:
    d = _approved(f.case, step, what, kind)
    return d.id, {
        **_for_decision(f, d, d.approved_by),
        "restriction": _restrictions(f.case, d, f.cfg, f.staff),
        "appeal": _appeal_route(f, d, tells_decision=True),
    }


def _formal_warning(f: _Facts) -> tuple[str | None, Context]:
    return _restricting(f, "formal_written_warning", "formal written warning", "formal-warning")


def _contact_refused(f: _Facts) -> tuple[str | None, Context]:
    return _restricting(f, "contact_refused", "decision to refuse contact", "contact-refused")


def _upcoming_review(f: _Facts) -> tuple[str | None, Context]:
    d = _in_force(f.case)
    return d.id, {
        **_for_decision(f, d, d.approved_by),
        "restriction": _restrictions(f.case, d, f.cfg, f.staff),
        "appeal": _appeal_route(f, d, tells_decision=False),
    }


def _review_facts(f: _Facts, review: Review, reviewed: Decision) -> Context:
    if review.outcome == "lift":
        return {"restriction": None, "appeal": None}
    now = (
        _variation(f.case, reviewed, f"review {review.id}")
        if review.outcome == "vary"
        else reviewed
    )
    restriction = _restrictions(f.case, now, f.cfg, f.staff)
    if review.next_review is not None:
        restriction["review_date"] = long_date(review.next_review)
    # A review that continues a restriction is not a new decision: the window stays the
    # decision's. A variation is a new decision, and this letter tells of it.
    appeal = _appeal_route(f, now, tells_decision=review.outcome == "vary")
    return {"restriction": restriction, "appeal": appeal}


def _review_outcome(f: _Facts) -> tuple[str | None, Context]:
    review = _latest(f.case.reviews, lambda r: True)
    if review is None:
        raise LetterRefused(f"{f.case.id} has no review recorded")
    if not review.notify:
        raise LetterRefused(f"{f.case.id}: review {review.id} is recorded as not to be notified")
    reviewed = _decision(f.case, review.decision)
    return review.id, {
        **_for_decision(f, reviewed, review.by),
        **_review_facts(f, review, reviewed),
        "review": {
            "date": long_date(review.date),
            "outcome": review.outcome,
            "reasons": review.reasons,
        },
    }


def _ended_on(case: Case, d: Decision) -> dt.date:
    if d.ended_on is not None:
        return d.ended_on
    review = _latest(case.reviews, lambda r: r.decision == d.id and r.outcome == "lift")
    appeal = _latest(case.appeals, lambda a: a.decision == d.id and a.outcome == "overturned")
    ended = review.date if review else appeal.decided_on if appeal else None
    if ended is None:
        raise LetterRefused(f"{case.id}: decision {d.id} has no end date recorded")
    return ended


def _ended_by(case: Case, d: Decision) -> str | None:
    """The officer who ended the restriction: the reviewer who lifted it, or the appeal's."""
    if d.status == "overturned":
        appeal = _latest(case.appeals, lambda a: a.decision == d.id and a.outcome == "overturned")
        return appeal.decided_by if appeal else None
    review = _latest(case.reviews, lambda r: r.decision == d.id and r.outcome == "lift")
    return review.by if review else None


def _restriction_ended(f: _Facts) -> tuple[str | None, Context]:
    d = _latest(f.case.decisions, lambda d: d.status in ("lifted", "overturned"))
    if d is None:
        raise LetterRefused(f"{f.case.id} has no restriction lifted or overturned")
    return d.id, {
        **_for_decision(f, d, _ended_by(f.case, d)),
        "ended": {
            "date": long_date(_ended_on(f.case, d)),
            "how": "on appeal" if d.status == "overturned" else "at review",
            "started": long_date(_start(d)),
        },
    }


def _appeal_facts(a: Appeal) -> Context:
    return {
        "received": long_date(a.received),
        "outcome": a.outcome,
        "reasons": a.reasons,
        "decided_on": long_date(a.decided_on) if a.decided_on else None,
    }


def _appeal_acknowledgement(f: _Facts) -> tuple[str | None, Context]:
    a = _latest(f.case.appeals, lambda a: True)
    if a is None:
        raise LetterRefused(f"{f.case.id} has no appeal recorded")
    d = _decision(f.case, a.decision)
    return a.id, {
        **_for_decision(f, d, a.lodged_by),
        "restriction": _restrictions(f.case, d, f.cfg, f.staff) if d.restrictions else None,
        "appeal_record": _appeal_facts(a),
    }


def _appeal_outcome(f: _Facts) -> tuple[str | None, Context]:
    a = _latest(f.case.appeals, lambda a: a.outcome is not None)
    if a is None:
        raise LetterRefused(f"{f.case.id} has no appeal decided")
    d = _decision(f.case, a.decision)
    now = _variation(f.case, d, f"appeal {a.id}") if a.outcome == "varied" else d
    keeps = a.outcome != "overturned" and bool(now.restrictions)
    return a.id, {
        **_for_decision(f, d, a.decided_by),
        "restriction": _restrictions(f.case, now, f.cfg, f.staff) if keeps else None,
        "appeal_record": _appeal_facts(a),
    }


def _foi_refusal(f: _Facts) -> tuple[str | None, Context]:
    record: FoiRecord | None = _latest(f.case.foi, lambda r: r.decision in FOI_SECTIONS)
    if record is None:
        raise LetterRefused(f"{f.case.id} has no section 14 refusal recorded")
    section, meaning = FOI_SECTIONS[record.decision]
    return record.id, {
        "signatory": _signatory(f.staff, record.by, f.cfg),
        "essential_services": f.cfg.essential_services,
        "foi": {
            "request_ref": record.request_ref,
            "received": long_date(record.received),
            "section": section,
            "meaning": meaning,
            "reasons": record.reasons,
        },
    }


_KINDS: dict[str, tuple[str, Callable[[_Facts], tuple[str | None, Context]]]] = {
    "verbal-warning-note": ("Note of a verbal warning", _verbal_warning),
    "informal-warning": ("Informal written warning", _informal_warning),
    "formal-warning": ("Formal written warning: restrictions on contact", _formal_warning),
    "contact-refused": ("Notice that further contact is refused", _contact_refused),
    "upcoming-review": ("Notice of an upcoming review of your restrictions", _upcoming_review),
    "review-outcome": ("The outcome of the review of your restrictions", _review_outcome),
    "restriction-ended": ("Your restrictions have ended", _restriction_ended),
    "appeal-acknowledgement": ("We have received your appeal", _appeal_acknowledgement),
    "appeal-outcome": ("The outcome of your appeal", _appeal_outcome),
    "foi-refusal": ("Refusal of your request for information", _foi_refusal),
}


def _common(case: Case, kind: str, cfg: PolicyConfig, policy_hash: str, today: dt.date) -> Context:
    person = case.person
    return {
        "kind": kind,
        "title": _KINDS[kind][0],
        "council": cfg.council,
        "council_address": cfg.council_address,
        "reference": case.id,
        "date": long_date(today),
        "iso_date": today.isoformat(),
        "person": {
            "name": person.name,
            "address_lines": [line for line in (person.address, person.postcode) if line],
        },
        "adjustments": [ADJUSTMENT_NAMES[a.kind] for a in case.adjustments],
        "privacy_url": cfg.privacy_notice_url,
        "policy_hash": policy_hash,
        "lgsco_url": LGSCO_URL,
        "ico_url": ICO_URL,
        "appeal_window": _months(cfg.appeal_window_months),
        # Letters with no appeal route or no restriction leave these empty; kinds fill them.
        "appeal": None,
        "restriction": None,
    }


# --- rendering ---------------------------------------------------------------------


class _RecordingLoader(jinja2.BaseLoader):
    """Looks in the council's override folder first, and remembers every template used."""

    def __init__(self, folders: list[Path]) -> None:
        self._inner = jinja2.FileSystemLoader([str(p) for p in folders])
        self.sources: dict[str, str] = {}
        self.names: dict[str, str] = {}  # file name -> template name, to name the culprit

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self._inner.get_source(environment, template)
        self.sources[template] = source
        if filename:
            self.names[filename] = template
        return source, filename, uptodate


def _environment(loader: _RecordingLoader) -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        cache_size=0,
    )


def _culprit(exc: BaseException, loader: _RecordingLoader, fallback: str) -> str:
    """The template the error happened in: Jinja puts template frames in the traceback."""
    name = fallback
    tb = exc.__traceback__
    while tb is not None:
        name = loader.names.get(tb.tb_frame.f_code.co_filename, name)
        tb = tb.tb_next
    return name


def _render_template(name: str, context: Context, override_dir: Path | None) -> tuple[str, str]:
    """The rendered text and the hash of every template source it used."""
    folders = [override_dir, TEMPLATES] if override_dir is not None else [TEMPLATES]
    loader = _RecordingLoader(folders)
    try:
        text = _environment(loader).get_template(name).render(context)
    except jinja2.TemplateNotFound as exc:
        raise LetterTemplateError(f"template {exc.name} is missing") from None
    except jinja2.TemplateSyntaxError as exc:
        where = exc.name or name
        raise LetterTemplateError(f"template {where} line {exc.lineno}: {exc.message}") from None
    except jinja2.TemplateError as exc:  # undefined, unsafe, or raised by the template
        raise LetterTemplateError(f"template {_culprit(exc, loader, name)}: {exc}") from None
    return text, _sources_hash(loader.sources)


def _sources_hash(sources: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(f"{name}\0{sources[name]}\0".encode())
    return digest.hexdigest()


def _pdf(html: str) -> bytes:
    import weasyprint  # slow to import, and only PDF letters need it

    # A letter needs nothing from outside: no template may make the engine fetch a URL.
    no_fetching = weasyprint.urls.URLFetcher(allowed_protocols=())
    return bytes(weasyprint.HTML(string=html, url_fetcher=no_fetching).write_pdf())


def render_letter(
    case: Case,
    kind: LetterKind,
    fmt: Format,
    cfg: PolicyConfig,
    policy_hash: str,
    staff: StaffDirectory,
    today: dt.date,
    override_dir: Path | None = None,
) -> RenderedLetter:
    """Render one letter from the case's own facts, or refuse when they are not there yet."""
    if kind not in _KINDS:
        raise LetterRefused(f"there is no letter of kind {kind}")
    if fmt not in get_args(Format):
        raise LetterRefused(f"there is no letter format {fmt}; use pdf, html or md")
    about, facts = _KINDS[kind][1](_Facts(case, cfg, staff, today))
    context = {**_common(case, kind, cfg, policy_hash, today), **facts}
    source = "html" if fmt == "pdf" else fmt
    text, template_sha256 = _render_template(f"{kind}.{source}.j2", context, override_dir)
    content = _pdf(text) if fmt == "pdf" else text.encode()
    return RenderedLetter(
        kind=kind,
        format=fmt,
        content=content,
        template_sha256=template_sha256,
        sha256=hashlib.sha256(content).hexdigest(),
        about=about,
    )


def render_property_letter(*_: object, **__: object) -> NoReturn:
    """The policy: restrictions on properties are added "without notifying the owner"."""
    raise LetterRefused("property risks get no letter to the owner")
