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

from ucbr import views
from ucbr.model import BEHAVIOURS, LADDER, Case, PropertyRisk
from ucbr.plain import RISK_NAMES, STEP_NAMES
from ucbr.private import create_private_file, outside_register
from ucbr.store import Register
from ucbr.vault import Keyring

SUPPRESS_BELOW = 3
SUPPRESSION_NOTE = (
    "Counts of 1 or 2 are shown as <3 so that no one can be identified, and where a group "
    "has only one such count the next smallest is hidden too, so it cannot be worked out; "
    "durations are given only when at least 3 restrictions contribute."
)
GIVEN = frozenset({"recorded", "approved", "superseded", "lifted", "overturned"})
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
        groups = {name: suppressed(c) for name, c in self.counts.items()}
        return {
            "produced_on": self.produced_on.isoformat(),
            "suppressed_below": SUPPRESS_BELOW,
            **groups,
            "days_on_register": duration_figures(self.durations),
        }

    def tables(self) -> list[tuple[str, list[tuple[str, Value]]]]:
        data = self.as_dict()
        return [(TITLES[name], [(label(k), v) for k, v in data[name].items()]) for name in TITLES]


def shown(n: int) -> Value:
    return "<3" if 0 < n < SUPPRESS_BELOW else n


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
    return LABELS.get(key, key.replace("_", " "))


def duration_figures(days: list[int]) -> dict[str, Value]:
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
    f = Figures(today)
    c = f.counts
    c["cases"] = _zero(("recorded", "on_register", "appeal_pending"))
    c["incidents_by_category"] = _zero(BEHAVIOURS)
    c["incidents_by_service"] = Counter()
    c["decisions_by_step"] = _zero(LADDER)
    c["restrictions_imposed"] = Counter()
    c["restrictions_in_force"] = Counter()
    c["reviews"] = _zero(("on_time", "late"))
    c["appeals"] = _zero(("upheld", "overturned", "varied", "pending"))
    c["property_risks_in_force"] = Counter()
    c["property_reviews"] = _zero(("on_time", "late"))
    for case in cases:
        _count_case(f, case, today)
    for p in properties:
        if p.decision.status == "approved":
            c["property_risks_in_force"].update(p.risks)
        c["property_reviews"].update("late" if r.late else "on_time" for r in p.reviews)
    return f


def _count_case(f: Figures, case: Case, today: dt.date) -> None:
    c = f.counts
    c["cases"]["recorded"] += 1
    c["cases"]["on_register"] += views.on_register(case)
    c["cases"]["appeal_pending"] += views.pending_appeal(case) is not None
    c["incidents_by_category"].update(i.category for i in case.incidents)
    c["incidents_by_service"].update(i.service for i in case.incidents)
    given = [d for d in case.decisions if d.status in GIVEN]
    c["decisions_by_step"].update(d.step for d in given)
    for d in given:
        if d.approved_on is not None and d.restrictions:
            c["restrictions_imposed"].update(r.kind for r in d.restrictions)
            f.durations.append(((d.ended_on or today) - d.approved_on).days)
    current = views.decision_in_force(case)
    if current is not None and views.on_register(case):
        c["restrictions_in_force"].update(r.kind for r in current.restrictions)
    c["reviews"].update("late" if r.late else "on_time" for r in case.reviews)
    c["appeals"].update(a.outcome or "pending" for a in case.appeals)


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
    for n, (name, value) in enumerate(rows):
        y = 4 + 22 * n
        bar = 300 * value / top if isinstance(value, int) else 0
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{html.escape(name[:44])}</text>')
        parts.append(f'<rect x="300" y="{y + 2}" width="{bar:.1f}" height="16" fill="#2b6cb0"/>')
        shown_value = html.escape(str(value))
        parts.append(f'<text x="{306 + bar:.1f}" y="{y + 14}" font-size="12">{shown_value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(f: Figures, council: str) -> str:
    """A self-contained page: no scripts, no external files, charts as inline SVG."""
    sections = []
    for title, rows in f.tables():
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
        f"<p>Figures at {f.produced_on.isoformat()}. {html.escape(SUPPRESSION_NOTE)}</p>"
        f"{''.join(sections)}</body></html>\n"
    )


def write_html(reg: Register, f: Figures, out: Path) -> Path:
    """Write the report outside the register, mode 0600, never over an existing file."""
    path = outside_register(reg.root, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    create_private_file(path, render_html(f, reg.cfg.council).encode())
    return path
