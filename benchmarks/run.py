"""Time the everyday commands on a synthetic register, as real runs of the installed CLI.

    python benchmarks/run.py --cases 10000 [--repeat 5] [--register DIR] [--json]

Generates the register with ``benchmarks/generate.py`` (or reuses DIR when it already
holds one of that size), then times each command as a separate ``ucbr`` process, so
interpreter and import start-up are included:

- ``list`` and ``check`` with a casework key;
- ``add-incident`` on an existing case, each run a real commit;
- ``review-due`` with the scheduler key alone (exit 3 or 4 when something is due or
  overdue). Before each run the page cache is dropped (``/proc/sys/vm/drop_caches``,
  which needs root); when that is not allowed the result says "page cache warm".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
UCBR = Path(sys.executable).parent / "ucbr"


@dataclass
class Timing:
    command: str
    key: str
    seconds: list[float] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)
    cache: str = "warm"
    skipped: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    def summary(self) -> dict[str, object]:
        data = asdict(self)
        if self.seconds:
            data.update(median=self.median, min=min(self.seconds), max=max(self.seconds))
        return data


@dataclass(frozen=True)
class Bench:
    """A generated register and what ``generate.py`` recorded about it."""

    base: Path
    manifest: dict[str, object]

    @property
    def root(self) -> Path:
        return self.base / str(self.manifest["register"])

    @property
    def files(self) -> int:
        return int(str(self.manifest["cases"])) + int(str(self.manifest["properties"]))

    def env(self, staff_id: str) -> dict[str, str]:
        staff = self.manifest["staff"]
        assert isinstance(staff, dict)
        member = staff[staff_id]
        home = self.base / str(self.manifest["home"])
        return {
            **os.environ,
            "HOME": str(home),
            "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": member["name"],
            "GIT_AUTHOR_EMAIL": member["email"],
            "GIT_COMMITTER_NAME": member["name"],
            "GIT_COMMITTER_EMAIL": member["email"],
            "UCBR_REGISTER": str(self.root),
            "UCBR_IDENTITY_FILE": str(self.base / member["key"]),
            "UCBR_TODAY": str(self.manifest["today"]),
        }

    def run(self, staff_id: str, *args: str) -> tuple[float, int, str]:
        started = time.perf_counter()
        proc = subprocess.run(
            [str(UCBR), *args], env=self.env(staff_id), capture_output=True, text=True, check=False
        )
        took = time.perf_counter() - started
        last_line = ((proc.stderr or proc.stdout).strip().splitlines() or [""])[-1]
        return took, proc.returncode, last_line


def prepare(base: Path, cases: int, properties: int | None, seed: int) -> Bench:
    manifest_path = base / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if manifest["cases"] != cases:
            raise SystemExit(f"run: {base} holds {manifest['cases']} cases, not {cases}")
        return Bench(base, manifest)
    command = [
        sys.executable,
        str(HERE / "generate.py"),
        str(base),
        "--cases",
        str(cases),
        "--seed",
        str(seed),
    ]
    if properties is not None:
        command += ["--properties", str(properties)]
    # Its progress line goes to stderr, so that --json output stays JSON.
    subprocess.run(command, check=True, stdout=sys.stderr)
    return Bench(base, json.loads(manifest_path.read_text()))


def drop_page_cache() -> bool:
    """Drop the kernel's page cache, so files and Python's own modules are read from disk."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def timed(
    bench: Bench,
    name: str,
    staff_id: str,
    args: Callable[[int], list[str]],
    repeat: int,
    expected: set[int],
    cold: bool = False,
) -> Timing:
    timing = Timing(name, staff_id)
    for attempt in range(repeat):
        if cold:
            timing.cache = "dropped" if drop_page_cache() else "page cache warm"
        took, code, last = bench.run(staff_id, *args(attempt))
        if code not in expected:
            hint = " (a reused register may predate a format change: generate a new one)"
            raise SystemExit(f"run: `ucbr {name}` exited {code}: {last}{hint if code == 6 else ''}")
        timing.seconds.append(took)
        timing.exit_codes.append(code)
    return timing


def incident_args(bench: Bench) -> Callable[[int], list[str]]:
    cases = bench.manifest["sample_cases"]
    assert isinstance(cases, list)

    def args(attempt: int) -> list[str]:
        return [
            "add-incident",
            str(cases[attempt % len(cases)]),
            "--date",
            str(bench.manifest["today"]),
            "--channel",
            "telephone",
            "--location",
            "council_premises",
            "--category",
            "B",
            "--behaviour",
            "repeated_contact",
            "--summary",
            "Called again about the same matter.",
        ]

    return args


COMMANDS = ("start-up", "list", "check", "add-incident", "review-due")


def measure(bench: Bench, repeat: int, only: tuple[str, ...] = COMMANDS) -> list[Timing]:
    results = []
    if "start-up" in only:
        results.append(timed(bench, "--help (start-up)", "cron", lambda _: ["--help"], repeat, {0}))
    if "list" in only:
        results.append(timed(bench, "list", "officer", lambda _: ["list"], repeat, {0}))
    if "check" in only:
        results.append(timed(bench, "check", "officer", lambda _: ["check"], repeat, {0, 5}))
    if "add-incident" in only:
        results.append(timed(bench, "add-incident", "officer", incident_args(bench), repeat, {0}))
    if "review-due" in only:
        results.append(review_due(bench, repeat))
    return results


def review_due(bench: Bench, repeat: int) -> Timing:
    _, code, _ = bench.run("cron", "review-due", "--help")
    if code != 0:
        return Timing("review-due", "cron", skipped="`ucbr review-due` is not available")
    return timed(
        bench, "review-due", "cron", lambda _: ["review-due"], repeat, {0, 3, 4}, cold=True
    )


def ratios(results: list[Timing], files: int) -> dict[str, float]:
    by_name = {t.command: t for t in results if t.seconds}
    found: dict[str, float] = {}
    for name in ("list", "check", "review-due"):
        if name in by_name:
            found[f"{name} seconds per 1,000 files"] = by_name[name].median / files * 1000
    if "check" in by_name and "list" in by_name:
        found["check / list"] = by_name["check"].median / by_name["list"].median
    if "review-due" in by_name and "--help (start-up)" in by_name:
        found["review-due minus start-up (s)"] = (
            by_name["review-due"].median - by_name["--help (start-up)"].median
        )
    return found


def table(bench: Bench, results: list[Timing], found: dict[str, float]) -> str:
    lines = [
        f"register: {bench.root} "
        f"({bench.manifest['cases']} cases, {bench.manifest['properties']} properties)",
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end",
        "",
        f"{'command':<20} {'key':<8} {'runs':>4} {'median s':>9} {'min s':>7} {'max s':>7}"
        "  exit  cache",
    ]
    for t in results:
        if t.skipped:
            lines.append(f"{t.command:<20} {t.key:<8}  skipped: {t.skipped}")
            continue
        codes = ",".join(str(c) for c in sorted(set(t.exit_codes)))
        lines.append(
            f"{t.command:<20} {t.key:<8} {len(t.seconds):>4} {t.median:>9.3f} "
            f"{min(t.seconds):>7.3f} {max(t.seconds):>7.3f}  {codes:<5} {t.cache}"
        )
    lines.append("")
    lines.extend(f"{name}: {value:.3f}" for name, value in found.items())
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--properties", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--register",
        type=Path,
        default=None,
        help="a folder made by generate.py, or to make one in",
    )
    parser.add_argument("--json", action="store_true", help="the results as JSON on stdout")
    parser.add_argument(
        "--only", action="append", choices=COMMANDS, help="time only this command (repeatable)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not UCBR.exists():
        raise SystemExit(
            f"run: no ucbr command next to this Python ({UCBR}); install the package first"
        )
    base = args.register or Path(tempfile.gettempdir()) / f"ucbr-bench-{args.cases}-seed{args.seed}"
    bench = prepare(base, args.cases, args.properties, args.seed)
    results = measure(bench, args.repeat, tuple(args.only or COMMANDS))
    found = ratios(results, bench.files)
    if args.json:
        report = {
            "register": str(bench.root),
            "cases": bench.manifest["cases"],
            "properties": bench.manifest["properties"],
            "files": bench.files,
            "measured": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "load_average": os.getloadavg()[0],
            "commands": [t.summary() for t in results],
            "ratios": found,
        }
        print(json.dumps(report, indent=2))
    else:
        print(table(bench, results, found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
