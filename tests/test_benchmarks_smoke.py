"""The benchmark scripts work on a small register, and the scan's fast reader agrees with YAML."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.regkit import patched_env
from ucbr.cli import main
from ucbr.domain.sections import Schedule, ScheduleItem
from ucbr.storage import scan, workers
from ucbr.storage.files import encode
from ucbr.storage.plainyaml import read_plain
from ucbr.storage.store import Register
from ucbr.storage.vault import load_identity_file
from ucbr.storage.yamlio import load_strict

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-28"
# The faults the generator plants on purpose; anything else `check` finds is a bug.
PLANTED = re.compile(r"review overdue since|letter")


def generate(out: Path, cases: int) -> dict[str, object]:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            str(out),
            "--cases",
            str(cases),
            "--today",
            TODAY,
            "--seed",
            "7",
        ],
        check=True,
        capture_output=True,
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert isinstance(manifest, dict)
    return manifest


def check_as(out: Path, staff_id: str) -> tuple[int, str]:
    home = out / "home"
    env = {
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": staff_id,
        "GIT_AUTHOR_EMAIL": f"{staff_id}@benchmark.example",
        "UCBR_REGISTER": str(out / "register"),
        "UCBR_IDENTITY_FILE": str(out / "keys" / f"{staff_id}.txt"),
        "UCBR_TODAY": TODAY,
    }
    stdout = io.StringIO()
    with (
        patched_env(env),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        code = main(["check", "--json"])
    return code, stdout.getvalue()


@pytest.mark.e2e
def test_generated_register_passes_check(tmp_path: Path) -> None:
    """A generated register is sound: `ucbr check` finds only the faults planted on purpose."""
    manifest = generate(tmp_path / "bench", 20)
    code, out = check_as(tmp_path / "bench", "officer")
    report = json.loads(out)
    assert report["files"] == 20 + int(str(manifest["properties"]))
    assert code in (0, 5)
    assert [
        p for p in report["problems"] if p["integrity"] or not PLANTED.search(p["message"])
    ] == []
    keys = sorted((tmp_path / "bench" / "keys").glob("*.txt"))  # the .pub beside each is public
    assert keys and all(k.stat().st_mode & 0o777 == 0o600 for k in keys)


@pytest.mark.e2e
def test_run_prints_medians(tmp_path: Path) -> None:
    """`run.py --repeat 1` times each row it is asked for, cold and warm, beside its target."""
    base = tmp_path / "bench"
    generate(base, 20)
    only = ["--only", "start-up", "--only", "review-due", "--only", "list", "--only", "age"]
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--cases", "20"]
    command += ["--repeat", "1", "--register", str(base), *only]
    proc = subprocess.run([*command, "--json"], check=True, capture_output=True, text=True)
    report = json.loads(proc.stdout)
    timed = {c["command"]: c for c in report["commands"]}
    for name in ("--help", "--version", "review-due cold", "review-due warm", "list cold"):
        assert timed[name]["median"] > 0, name
    assert timed["--help"]["target"] == 0.10
    assert (
        timed["age -d loop (schedules)"].get("skipped")
        or "age -d loop / review-due cold" in (report["ratios"])
    )
    text = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    assert "× pass" in text and "review-due warm" in text


@pytest.mark.e2e
def test_parallel_scan_matches_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scanning in worker processes gives the same schedules, in id order, as one process."""
    base = tmp_path / "bench"
    generate(base, 20)
    reg = Register.open(base / "register")
    ring = reg.keyring(load_identity_file(base / "keys" / "cron.txt"))
    monkeypatch.setenv("UCBR_NO_CACHE", "1")  # every section decrypted, each time
    alone = scan.scan(reg, ring, "schedule", scan.keep).found
    monkeypatch.setattr(workers, "PARALLEL_FROM", 0)
    monkeypatch.setattr(workers, "CHUNK", 3)
    assert workers.worker_count(len(alone)) == min(2, len(os.sched_getaffinity(0)))
    assert scan.scan(reg, ring, "schedule", scan.keep).found == alone
    ids = [getattr(s, "id", None) for s in alone]
    assert ids == sorted(reg.ids())


@pytest.mark.e2e
def test_parallel_scan_names_a_corrupted_file_and_reads_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A corrupted schedule is one problem naming its file; every other file is still read."""
    base = tmp_path / "bench"
    generate(base, 20)
    reg = Register.open(base / "register")
    ring = reg.keyring(load_identity_file(base / "keys" / "cron.txt"))
    ids = reg.ids()
    path = reg.path_of(ids[7])
    text = path.read_text()
    start = text.index("-----BEGIN AGE", text.index("schedule: |"))
    line_end = text.index("\n", text.index("\n", start) + 1)
    path.write_text(
        text[: line_end - 4]
        + ("AAAA" if text[line_end - 4 : line_end] != "AAAA" else "BBBB")
        + text[line_end:]
    )
    monkeypatch.setattr(workers, "PARALLEL_FROM", 0)
    monkeypatch.setattr(workers, "CHUNK", 3)
    result = scan.scan(reg, ring, "schedule", scan.keep)
    assert [getattr(s, "id", None) for s in result.found] == ids[:7] + ids[8:]
    assert [p.path for p in result.problems] == [f"cases/{ids[7]}.yaml"]
    assert all(p.integrity and "\n" not in p.message for p in result.problems)


dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
details = st.one_of(
    st.none(),
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        min_size=1,
        max_size=40,
    ).filter(lambda text: text.strip() != ""),  # a detail is never blank: the model strips it
    st.sampled_from(["yes", "No", "on", "null", "true", "12", "a: b", "it's", "- x", "#c", " x "]),
)
items = st.builds(
    ScheduleItem,
    what=st.sampled_from(["restriction_review", "property_review", "approval", "letter"]),
    due=dates,
    detail=details,
)
schedules = st.builds(
    Schedule,
    id=st.just("C-0123456Z"),
    kind=st.sampled_from(["case", "property"]),
    status=st.sampled_from(["on_register", "proposed", "Yes", "appeal_pending"]),
    on_register=st.booleans(),
    next_review=st.one_of(st.none(), dates),
    items=st.lists(items, max_size=4).map(tuple),
)


@given(schedules)
def test_fast_schedule_reader_agrees_with_yaml(schedule: Schedule) -> None:
    """The scan's fast reader gives what the strict YAML loader gives, or leaves the text to it."""
    plain = encode(schedule)
    fast = read_plain(plain)
    assert fast is None or fast == load_strict(plain)
    if fast is not None:
        assert Schedule.model_validate(fast) == schedule


def test_lookup_quality_runs_and_meets_its_targets_on_a_small_register(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """benchmarks/lookup_quality.py runs on 400 people and reports recall, identifiers first
    and false matches for absent people, meeting its targets (the full run is not a test)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import lookup_quality
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    code = lookup_quality.main(["--people", "400", "--per-kind", "6", "--json"])
    figures = json.loads(capsys.readouterr().out)["figures"]
    assert code == 0, figures
    assert figures["recall_at_3"] >= lookup_quality.TARGET_RECALL
    assert figures["identifier_first"] == 1.0
    assert figures["absent_possible_per_query"] <= lookup_quality.TARGET_ABSENT_POSSIBLE
