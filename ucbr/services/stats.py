"""Counts safe to publish in an FOI answer or a board report.

Only counts and durations leave this module: no ids, names or dates of single events.
Small numbers identify people in a small council, so every count of 1 or 2 is shown as
"<3" in every output (text, JSON and HTML alike), and duration figures are given only
when at least 3 restrictions contribute. Zero is shown as it is: it identifies nobody.
"""

from __future__ import annotations

import datetime as dt
import html
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ucbr.domain import expiry, views
from ucbr.domain.model import BEHAVIOURS, LADDER, Case, Decision, PropertyRisk
from ucbr.domain.words import RISK_NAMES, STEP_NAMES
from ucbr.storage.private import create_private_file, outside_register
from ucbr.storage.store import Register
from ucbr.storage.vault import Keyring

SUPPRESS_BELOW = 3
SUPPRESSION_NOTE = (
    "Counts of 1 or 2 are shown as <3 so that no one can be identified, and where a group "
    "has only one such count the next smallest is hidden too, so it cannot be worked out; "
    "durations are given only when at least 3 restrictions contribute."
)
TITLES = {
    "cases": "Cases",
    "incidents_by_category": "Incidents by category",
    "incidents_by_service": "Incidents by service",
    "decisions_by_step": "Decisions by step",
    "restrictions_imposed": "Restrictions imposed, by type",
    "restrictions_in_force": "Restrictions in force, by type",
    "reviews": "Restriction reviews",
    "appeals": "Appeals and their outcomes",
    "property_risks_in_force": "Property risks in force, by kind",
    "property_reviews": "Property reviews",
    "days_on_register": "Days on the register, per restriction",
}
LABELS = {
    "A": "A: aggressive or abusive",
    "B": "B: unreasonable demands or extensive contact",
    **STEP_NAMES,
    **RISK_NAMES,
}

Value = int | str


@dataclass
class Figures:
    """Exact counts, kept inside; ``as_dict`` and ``tables`` give the suppressed ones."""

    produced_on: dt.date
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    durations: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON data, small counts suppressed."""
        groups = {name: suppressed(c) for name, c in self.counts.items()}
        return {
            "produced_on": self.produced_on.isoformat(),
            "suppressed_below": SUPPRESS_BELOW,
            **groups,
            "days_on_register": duration_figures(self.durations),
        }

    def tables(self) -> list[tuple[str, list[tuple[str, Value]]]]:
        """The figures as titled tables of labelled values, small counts suppressed."""
        data = self.as_dict()
        return [(TITLES[name], [(label(k), v) for k, v in data[name].items()]) for name in TITLES]


def shown(count: int) -> Value:
    """A count as it may be published: 1 and 2 shown as "<3"."""
    return "<3" if 0 < count < SUPPRESS_BELOW else count


# Shown in place of a count hidden only so that a small count beside it cannot be worked
# out by subtraction from a total published elsewhere.
SECONDARY = "hidden"


def suppressed(group: Counter[str]) -> dict[str, Value]:
    """A group's counts with small ones hidden, and, when only one is small, the next
    smallest too (secondary suppression), so no small count can be recovered by difference."""
    out: dict[str, Value] = {k: shown(v) for k, v in group.items()}
    small = [k for k, v in group.items() if 0 < v < SUPPRESS_BELOW]
    others = sorted((v, k) for k, v in group.items() if v >= SUPPRESS_BELOW)
    if len(small) == 1 and others:
        out[others[0][1]] = SECONDARY
    return out


def label(key: str) -> str:
    """A count's label in plain words."""
    return LABELS.get(key, key.replace("_", " "))


def duration_figures(days: list[int]) -> dict[str, Value]:
    """Median and longest days on the register, given only for at least 3 restrictions."""
    if len(days) < SUPPRESS_BELOW:
        return {"restrictions": shown(len(days))}
    return {
        "restrictions": len(days),
        "median": round(statistics.median(days)),
        "longest": max(days),
    }


def _zero(keys: Iterable[str]) -> Counter[str]:
    return Counter(dict.fromkeys(keys, 0))


def figures(cases: Iterable[Case], properties: Iterable[PropertyRisk], today: dt.date) -> Figures:
    """Every count the report gives, from the records; pure."""
    figures = Figures(today)
    counts = figures.counts
    counts["cases"] = _zero(("recorded", "on_register", "appeal_pending"))
    counts["incidents_by_category"] = _zero(BEHAVIOURS)
    counts["incidents_by_service"] = Counter()
    counts["decisions_by_step"] = _zero(LADDER)
    counts["restrictions_imposed"] = Counter()
    counts["restrictions_in_force"] = Counter()
    counts["reviews"] = _zero(("on_time", "late"))
    counts["appeals"] = _zero(("upheld", "overturned", "varied", "pending"))
    counts["property_risks_in_force"] = Counter()
    counts["property_reviews"] = _zero(("on_time", "late"))
    for case in cases:
        _count_case(figures, case, today)
    for prop in properties:
        if prop.decision.status == "approved":
            counts["property_risks_in_force"].update(prop.risks)
        counts["property_reviews"].update("late" if r.late else "on_time" for r in prop.reviews)
    return figures


def _count_case(figures: Figures, case: Case, today: dt.date) -> None:
    counts = figures.counts
    counts["cases"]["recorded"] += 1
    counts["cases"]["on_register"] += expiry.on_register_on(case, today)
    counts["cases"]["appeal_pending"] += views.pending_appeal(case) is not None
    counts["incidents_by_category"].update(i.category for i in case.incidents)
    counts["incidents_by_service"].update(i.service for i in case.incidents)
    given = [decision for decision in case.decisions if decision.status in views.TOOK_EFFECT]
    counts["decisions_by_step"].update(decision.step for decision in given)
    for decision in given:
        if decision.approved_on is not None and decision.restrictions:
            counts["restrictions_imposed"].update(r.kind for r in decision.restrictions)
            ended = decision.ended_on or _ends_on(decision, today)
            figures.durations.append((ended - decision.approved_on).days)
    current = expiry.in_force(case, today)
    if current is not None and views.on_register(case):
        counts["restrictions_in_force"].update(
            r.kind for r in expiry.as_on(current, today).restrictions
        )
    counts["reviews"].update("late" if r.late else "on_time" for r in case.reviews)
    counts["appeals"].update(a.outcome or "pending" for a in case.appeals)


def _ends_on(decision: Decision, today: dt.date) -> dt.date:
    """When a decision in force ended: on its end date, when that has passed, else today."""
    ends = expiry.decision_ends_on(decision)
    return ends if ends is not None and ends <= today else today


def gather(reg: Register, ring: Keyring, today: dt.date) -> Figures:
    """The figures for the whole register; needs a casework key to read the records."""
    cases = (reg.load_case(i, ring)[1] for i in reg.ids("case"))
    properties = (reg.load_property(i, ring)[1] for i in reg.ids("property"))
    return figures(cases, properties, today)


# --- the HTML report ------------------------------------------------------------------------------


def _bars(rows: list[tuple[str, Value]]) -> str:
    """A horizontal bar chart as inline SVG; a suppressed count gets no bar, only "<3"."""
    if not rows:
        return "<p>None.</p>"
    top = max([v for _, v in rows if isinstance(v, int)] + [1])
    height, width = 22 * len(rows) + 4, 640
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">'
    ]
    for row, (name, value) in enumerate(rows):
        top = 4 + 22 * row
        bar = 300 * value / top if isinstance(value, int) else 0
        parts.append(f'<text x="0" top="{top + 14}" font-size="12">{html.escape(name[:44])}</text>')
        parts.append(
            f'<rect x="300" top="{top + 2}" width="{bar:.1f}" height="16" fill="#2b6cb0"/>'
        )
        shown_value = html.escape(str(value))
        parts.append(
            f'<text x="{306 + bar:.1f}" top="{top + 14}" font-size="12">{shown_value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_html(figures: Figures, council: str) -> str:
    """A self-contained page: no scripts, no external files, charts as inline SVG."""
    sections = []
    for title, rows in figures.tables():
        if title == TITLES["days_on_register"]:
            items = "".join(f"<li>{html.escape(k)}: {v}</li>" for k, v in rows)
            sections.append(f"<h2>{html.escape(title)}</h2><ul>{items}</ul>")
        else:
            sections.append(f"<h2>{html.escape(title)}</h2>{_bars(rows)}")
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(council)}: register statistics</title>"
        "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto}</style></head><body>"
        f"<h1>{html.escape(council)}: unreasonable customer behaviour register</h1>"
        f"<p>Figures at {figures.produced_on.isoformat()}. {html.escape(SUPPRESSION_NOTE)}</p>"
        f"{''.join(sections)}</body></html>\n"
    )


def write_html(reg: Register, figures: Figures, out: Path) -> Path:
    """Write the report outside the register, mode 0600, never over an existing file."""
    path = outside_register(reg.root, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    create_private_file(path, render_html(figures, reg.cfg.council).encode())
    return path
