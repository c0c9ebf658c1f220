"""The evidence report as an investigator reads it: a PDF drawn from ``report.json`` alone.

Everything the PDF shows is in ``report.json``, which the bundle's script checks against
the signed commits: the chronology row by row, the record field by field, the letters
byte for byte. What the script cannot check (the findings of ``check``, the plain words)
is the council's reading of those facts, vouched for by the officer whose signed commit
recorded the bundle.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

from ucbr.domain.words import ADJUSTMENT_NAMES, STEP_NAMES, long_date, scope_words
from ucbr.services.evidence.words import items, plain, restriction_words, what

Data = dict[str, Any]

STYLE = """
@page { size: A4; margin: 22mm 16mm 20mm 16mm;
  @top-left { content: "CONFIDENTIAL"; font: bold 8.5pt "DejaVu Sans", sans-serif; color: #9b1c1c; }
  @top-right { content: REFERENCE; font: 8.5pt "DejaVu Sans", sans-serif; color: #444; }
  @bottom-left { content: PRODUCED; font: 8pt "DejaVu Sans", sans-serif; color: #444; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
                  font: 8pt "DejaVu Sans", sans-serif; color: #444; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; line-height: 1.35; }
h1 { font-size: 16pt; margin: 0 0 1mm; }
.sub { font-size: 10pt; color: #333; margin: 0 0 5mm; }
h2 { font-size: 11.5pt; margin: 7mm 0 2mm; border-bottom: 1pt solid #222;
     padding-bottom: 1mm; break-after: avoid; }
h3 { font-size: 9.5pt; margin: 4mm 0 1mm; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; table-layout: fixed; }
th, td { border: 0.5pt solid #999; padding: 1.2mm 1.5mm; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #e8e8e8; font-weight: bold; }
tr { break-inside: avoid; }
table.facts th { width: 30%; background: #f3f3f3; }
.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt; }
.note { border-left: 2pt solid #555; padding: 1mm 0 1mm 3mm; margin: 2mm 0; }
.none { color: #555; font-style: italic; }
.keep { break-inside: avoid; }
"""


def esc(value: Any) -> str:
    """A value as safe HTML text; a list joined, nothing shown as a dash."""
    if value is None or value == [] or value == "":
        return "–"
    if isinstance(value, list):
        return html.escape(", ".join(str(v) for v in value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return html.escape(str(value))


def day(value: Any) -> str:
    """A date as a letter writes it, or the value as it is."""
    try:
        return html.escape(long_date(dt.date.fromisoformat(str(value))))
    except ValueError:
        return esc(value)


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A table of already-escaped cells; a note where there are no rows. A header may end
    with ``|N``: its column takes N% of the width."""
    if not rows:
        return "<p class='none'>None recorded.</p>"
    named = [h.partition("|") for h in headers]
    cols = "".join(f"<col style='width:{w}%'>" if w else "<col>" for _, _, w in named)
    head = "".join(f"<th>{h}</th>" for h, _, _ in named)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    head = f"<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
    return f"<table>{head}<tbody>{body}</tbody></table>"


def facts(pairs: list[tuple[str, str]]) -> str:
    """A two-column table of label and already-escaped value."""
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in pairs)
    return f"<table class='facts'>{rows}</table>"


def who(data: Data, staff_id: Any) -> str:
    """An officer as the report names them: name, role and id."""
    known = data["officers"].get(str(staff_id)) if staff_id else None
    if not known:
        return esc(staff_id)
    return esc(f"{known['name']} ({known['role'].replace('_', ' ')}, {staff_id})")


def render_html(data: Data) -> str:
    """The whole report as one self-contained HTML page."""
    body = "".join(part(data) for part in PARTS)
    case = html.escape(data["case"])
    produced = f"Produced {day(data['produced_on'])} by {who(data, data['produced_by'])}"
    style = STYLE.replace("REFERENCE", css_string(f"Evidence bundle {data['case']}"))
    style = style.replace("PRODUCED", css_string(html.unescape(produced)))
    return (
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>"
        f"<title>Evidence bundle {case}</title><style>{style}</style></head><body>"
        f"{body}</body></html>"
    )


def css_string(text: str) -> str:
    """Text as a quoted CSS string: every character but letters, digits and spaces escaped."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def _summary(data: Data) -> str:
    person = data["record"].get("person", {})
    return (
        f"<h1>Evidence bundle: case {esc(data['case'])}</h1>"
        f"<p class='sub'>{esc(data['council'])}: Unreasonable Customer Behaviour Register."
        " CONFIDENTIAL: for the Ombudsman's or the court's investigation only.</p>"
        + facts(
            [
                ("Person", esc(person.get("name") if isinstance(person, dict) else person)),
                ("Case opened", day(data["record"].get("opened_on"))),
                ("Status when produced", esc(data["status"])),
                ("Decision in force", esc(data["in_force"])),
                ("Produced", f"{day(data['produced_on'])} by {who(data, data['produced_by'])}"),
                ("Record revisions", esc(_revision_words(data))),
                ("Policy versions", esc([p["hash"] for p in data["policies"]])),
            ]
        )
        + "<p class='note'>Each row of the chronology is one signed git commit; each revision "
        "of the record is committed to by the commit that made it. <span class='mono'>python3 "
        "verify.py</span> in this folder checks all of it without ucbr (see README.txt and "
        "the last section). Names of council officers are given; other people's details "
        "are redacted.</p>"
    )


def _revision_words(data: Data) -> str:
    shown = len(data["revisions"])
    unread = len(data["unreadable"])
    return f"{shown} disclosed and committed to" + (f", {unread} unreadable" if unread else "")


def _chronology(data: Data) -> str:
    rows = [
        [
            day(row["date"]),
            f"<span class='mono'>{esc(row['commit'][:7])}</span>",
            who(data, row["officer"]),
            esc(what(row, data)),
            f"<span class='mono'>{esc(row['policy'])}</span>",
        ]
        for row in data["chronology"]
    ]
    return "<h2>1. Chronology</h2>" + table(
        ["Date|13", "Commit|10", "Who|20", "What was done|43", "Policy|14"], rows
    )


def _incidents(data: Data) -> str:
    rows = []
    for incident in items(data, "incidents"):
        acted = who(data, incident.get("reported_by"))
        if incident.get("by_representative"):
            acted += f"<br>For the person: {esc(incident['by_representative'])}"
        how = f"{plain(incident.get('channel'))}, {plain(incident.get('location'))}"
        behaviour = (
            f"{incident.get('category')}: {plain(', '.join(incident.get('behaviours') or []))}"
        )
        rows.append(
            [day(incident.get("date")), esc(incident.get("id")), esc(how), esc(behaviour),
             esc(incident.get("summary")), acted]
        )  # fmt: skip
    headers = ["Date|13", "Incident|13", "How, where|14", "Category: behaviour|16", "Summary|25",
               "Reported by|19"]  # fmt: skip
    return "<h2>2. Incidents</h2>" + table(headers, rows)


def _decisions(data: Data) -> str:
    parts = []
    for decision in items(data, "decisions"):
        step = decision.get("step", "")
        title = f"{decision.get('id')}: {STEP_NAMES.get(step, step)}"
        approved, rejected = decision.get("approved_on"), decision.get("rejected_on")
        decided = (
            f"{day(approved)} by {who(data, decision.get('approved_by'))}" if approved
            else f"rejected {day(rejected)} by {who(data, decision.get('rejected_by'))}" if rejected
            else "not needed (a warning)" if decision.get("status") == "recorded" else "awaited"
        )  # fmt: skip
        restrictions = [
            esc(restriction_words(r))
            for r in decision.get("restrictions", [])
            if isinstance(r, dict)
        ]
        shown = [
            ("Status", esc(decision.get("status"))),
            ("Relies on incidents", esc(decision.get("incidents"))),
            (
                "Proposed",
                f"{day(decision.get('proposed_on'))} by {who(data, decision.get('proposed_by'))}",
            ),
            ("Approved", decided),
            ("Restrictions", "<br>".join(restrictions) or "none"),
            ("Covers", esc(scope_words(str(decision.get("scope", ""))))),
            ("Review by", day(decision.get("review_by"))),
            ("Ended", day(decision.get("ended_on"))),
            ("Considerations", esc(decision.get("considerations") or decision.get("note"))),
            ("Essential services", esc(decision.get("essential_services"))),
            ("Policy in force", f"<span class='mono'>{esc(decision.get('policy'))}</span>"),
        ]
        parts.append(f"<h3>{esc(title)}</h3>" + facts([(k, v) for k, v in shown if v != "–"]))
    return "<h2>3. Decisions</h2>" + ("".join(parts) or "<p class='none'>None recorded.</p>")


def _over_time(data: Data) -> str:
    rows = []
    for decision in items(data, "decisions"):
        if not decision.get("approved_on"):
            continue
        for restriction in decision.get("restrictions", []):
            if isinstance(restriction, dict):
                ends = [e for e in (decision.get("ended_on"), restriction.get("until")) if e]
                rows.append(
                    [esc(restriction_words(restriction)), esc(decision.get("id")),
                     esc(scope_words(str(decision.get("scope", "")))),
                     day(decision.get("approved_on")), day(min(ends)) if ends else "in force"]
                )  # fmt: skip
    return "<h2>4. Restrictions in force over time</h2>" + table(
        ["Restriction|40", "Decision|13", "Covers|19", "From|14", "To|14"], rows
    )


def _reviews_and_appeals(data: Data) -> str:
    reviews = [
        [day(r.get("date")), esc(r.get("decision")), esc(r.get("outcome")), esc(r.get("reasons")),
         day(r.get("due")) + (" (late)" if r.get("late") else ""), day(r.get("next_review")),
         who(data, r.get("by"))]
        for r in items(data, "reviews")
    ]  # fmt: skip
    appeals = [
        [day(a.get("received")), esc(a.get("decision")), who(data, a.get("lodged_by")),
         esc(a.get("outcome") or "pending"), day(a.get("decided_on")),
         who(data, a.get("decided_by")), esc(a.get("reasons"))]
        for a in items(data, "appeals")
    ]  # fmt: skip
    adjustments = [
        [esc(ADJUSTMENT_NAMES.get(str(a.get("kind")), a.get("kind"))), esc(a.get("note")),
         day(a.get("recorded_on")), who(data, a.get("recorded_by"))]
        for a in items(data, "adjustments")
    ]  # fmt: skip
    return (
        "<h2>5. Reviews</h2>"
        + table(
            ["Held|12", "Decision|13", "Outcome|10", "Reasons|25", "Due|12", "Next|12", "By|16"],
            reviews,
        )
        + "<h2>6. Appeals</h2>"
        + table(
            [
                "Received|13",
                "Against|13",
                "Lodged by|15",
                "Outcome|10",
                "Decided|12",
                "By|15",
                "Reasons|22",
            ],
            appeals,
        )
        + "<h2>7. Reasonable adjustments</h2>"
        + table(["Adjustment", "Note", "Recorded", "By"], adjustments)
    )


def _letters(data: Data) -> str:
    shown = {letter["id"]: letter for letter in data["letters"]}
    rows = []
    for item in items(data, "letters"):
        held = shown.get(str(item.get("id")), {})
        copy = f"<span class='mono'>{esc(held.get('file'))}</span><br>{esc(held.get('why'))}"
        rows.append(
            [day(item.get("date")), esc(item.get("id")), esc(item.get("kind")),
             esc(item.get("format")), esc(item.get("about")), who(data, item.get("by")), copy]
        )  # fmt: skip
    return "<h2>8. Letters issued</h2>" + table(
        [
            "Date|12",
            "Letter|14",
            "Kind|15",
            "Form|8",
            "About|14",
            "Issued by|15",
            "In this bundle|22",
        ],
        rows,
    )


def _policies(data: Data) -> str:
    rows = [
        [f"<span class='mono'>{esc(p['hash'])}</span>", day(p["since"]),
         f"<span class='mono'>{esc(p['commit'][:7])}</span>", esc(p["settings"])]
        for p in data["policies"]
    ]  # fmt: skip
    return "<h2>9. Policy versions in force</h2>" + table(
        ["Policy|14", "In force from|16", "Commit|10", "The council's settings|60"], rows
    )


def _findings(data: Data) -> str:
    found = "".join(f"<li>{esc(f)}</li>" for f in data["findings"])
    redacted = [
        [f"<span class='mono'>{esc(r['field'])}</span>", esc(r["reason"]), esc(r["revisions"])]
        for r in data["redactions"]
    ]
    return (
        "<h2>10. Findings of ucbr check</h2>"
        + (f"<ul>{found}</ul>" if found else "<p class='none'>No fault found.</p>")
        + "<h2>11. Redactions</h2>"
        + table(["Field|55", "Why withheld|30", "In revisions|15"], redacted)
    )


def _verification(data: Data) -> str:
    chain = data["verification"]
    return "<div class='keep'><h2>12. How to verify this bundle</h2>" + facts(
        [
            ("Commits in the chain", esc(chain["commits"])),
            ("From", f"{day(chain['first_date'])}, "
             f"<span class='mono'>{esc(chain['first'][:12])}</span>"),
            ("Root key of the register", f"<span class='mono'>{esc(chain['root'])}</span>"),
            ("This bundle's own commit", "the last of the chain: an evidence commit whose "
             "Ucbr-Manifest trailer is the SHA-256 of manifest.json"),
            ("To verify", "<span class='mono'>python3 -I -S verify.py</span> in this folder "
             "(needs only Python 3, git and ssh-keygen); exit 0: every check passed"),
        ]
    ) + "</div>"  # fmt: skip


PARTS: tuple[Callable[[Data], str], ...] = (
    _summary,
    _chronology,
    _incidents,
    _decisions,
    _over_time,
    _reviews_and_appeals,
    _letters,
    _policies,
    _findings,
    _verification,
)


def render_pdf(data: Data) -> bytes:
    """The report as a PDF (the same data gives the same bytes)."""
    from ucbr.services.letters import html_to_pdf

    return html_to_pdf(render_html(data))
