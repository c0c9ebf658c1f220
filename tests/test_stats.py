"""Statistics safe to publish: counts only, small numbers suppressed, charts self-contained."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.regkit import Reg
from tests.test_retention import PERSON, appeal, case, incident, prop, put, restricted, review
from ucbr.domain.model import Case, Restriction
from ucbr.services import stats

TODAY = dt.date(2026, 11, 28)
CHANNEL = Restriction(kind="single_channel", channel="letter")


def register_of_cases() -> list[Case]:
    """Three restricted cases in Housing (one lifted), one warning-only case in Planning."""
    found = []
    for n in range(1, 4):
        i = incident(n, "2026-01-05", service="Housing")
        ended = "2026-03-06" if n == 1 else None
        d = restricted(n, i.id, "2026-01-10", ended=ended, restrictions=[CHANNEL])
        found.append(case(n, [i], [d], reviews=[review(n, d.id, "2026-07-01", late=n == 2)]))
    found[2] = found[2].model_copy(update={"appeals": (appeal(1, "D-00000003", "2026-01-20"),)})
    found.append(
        case(
            4, [incident(4, "2026-02-01", ("repeated_contact",), category="B", service="Planning")]
        )
    )
    return found


def test_stats_counts_by_category_step_restriction_and_service() -> None:
    """Counts by category, step, restriction type and service, with reviews and appeals."""
    data = stats.figures(register_of_cases(), [], TODAY).as_dict()
    assert data["cases"] == {"recorded": 4, "on_register": "<3", "appeal_pending": "<3"}
    # One small count in a group hides its neighbour too, or 4 - 3 would give it away.
    assert data["incidents_by_category"] == {"A": stats.SECONDARY, "B": "<3"}
    assert data["incidents_by_service"] == {"Housing": stats.SECONDARY, "Planning": "<3"}
    assert data["decisions_by_step"]["formal_written_warning"] == 3
    assert data["decisions_by_step"]["contact_refused"] == 0
    assert data["restrictions_imposed"] == {"single_channel": 3}
    assert data["restrictions_in_force"] == {"single_channel": "<3"}
    assert data["reviews"] == {"on_time": "<3", "late": "<3"}
    assert data["appeals"]["pending"] == "<3" and data["appeals"]["upheld"] == 0


def test_stats_durations_median_and_longest() -> None:
    """Days on the register per restriction: ended ones to their end, others to today."""
    durations = stats.figures(register_of_cases(), [], TODAY).as_dict()["days_on_register"]
    ongoing = (TODAY - dt.date(2026, 1, 10)).days
    assert durations == {"restrictions": 3, "median": ongoing, "longest": ongoing}


def test_stats_durations_suppressed_below_three() -> None:
    """Below 3 restrictions there is no median or longest: it would describe one person."""
    durations = stats.figures(register_of_cases()[:2], [], TODAY).as_dict()["days_on_register"]
    assert durations == {"restrictions": "<3"}


@given(st.integers(min_value=0, max_value=10_000))
def test_small_counts_suppressed(n: int) -> None:
    """Every count of 1 or 2 is shown as "<3"; 0 and 3 or more are shown as they are."""
    assert stats.shown(n) == ("<3" if n in (1, 2) else n)


def test_stats_html_is_self_contained_and_private(reg: Reg, tmp_path: Path) -> None:
    """`--html` writes charts as inline SVG, no scripts or external files, mode 0600, no names."""
    put(reg, *register_of_cases(), prop(9, ["weapons"], "2026-02-01"))
    out = tmp_path / "report" / "stats.html"
    data = json.loads(reg.ok("mgr", "stats", "--json", "--html", str(out)))
    assert data["cases"]["recorded"] == 4 and data["suppressed_below"] == 3
    assert data["property_risks_in_force"] == {"weapons": "<3"}
    page = out.read_text()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "<svg" in page and "&lt;3" in page
    for banned in ("<script", "src=", "href=", "url(", PERSON.name, "C-0000"):
        assert banned not in page
    text = reg.ok("mgr", "stats")
    assert "Counts of 1 or 2 are shown as <3" in text and PERSON.name not in text


def test_stats_html_refused_inside_register(reg: Reg) -> None:
    """The report is never written inside the register's working tree."""
    before = reg.state()
    result = reg.run("mgr", "stats", "--html", str(reg.root / "stats.html"))
    assert result.code == 1 and "working tree" in result.err
    assert reg.state() == before


def test_stats_need_a_casework_key(reg: Reg) -> None:
    """A frontline key cannot read records, so it gets no statistics."""
    put(reg, *register_of_cases()[:1])
    result = reg.run("front", "stats")
    assert result.code == 1 and "casework" in result.err
