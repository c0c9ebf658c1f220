"""Time the everyday commands on a synthetic register, as real runs of the installed CLI.

    python benchmarks/run.py --cases 10000 [--repeat 5] [--register DIR] [--json]

Generates the register with ``benchmarks/generate.py`` (or reuses DIR when it already
holds one of that size), then times each command as a separate ``ucbr`` process, so
interpreter and import start-up are included, and prints one row per command: the
median, its target, and two ratios:

- ``× pass``: the median over ``python -c pass`` (the interpreter's own start-up);
- ``age ÷``: how many times faster than decrypting the same schedule sections with an
  ``age -d`` loop, one process per file (measured on a sample of files, scaled up).

"cold" runs start with the local cache cleared and the page cache dropped
(``/proc/sys/vm/drop_caches``, which needs root; otherwise the row says "page cache
warm"). "warm" runs follow a run that filled the cache, with nothing changed since.
``add-incident`` runs last: each run is a real commit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
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
AGE_SAMPLE = 200  # files in the age -d loop; its per-file cost is scaled to the register


@dataclass
class Timing:
    command: str
    key: str
    target: float | None = None
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system, the command and its workers
    exit_codes: list[int] = field(default_factory=list)
    cache: str = ""
    skipped: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    def summary(self) -> dict[str, object]:
        data = asdict(self)
        if self.seconds:
            data.update(median=self.median, min=min(self.seconds), max=max(self.seconds))
        if self.cpu:
            data.update(cpu_median=statistics.median(self.cpu))
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

    def member(self, staff_id: str) -> dict[str, str]:
        staff = self.manifest["staff"]
        assert isinstance(staff, dict)
        member = staff[staff_id]
        assert isinstance(member, dict)
        return member

    def env(self, staff_id: str) -> dict[str, str]:
        member = self.member(staff_id)
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

    def run(
        self, staff_id: str, *args: str, program: str | None = None
    ) -> tuple[float, float, int, str]:
        """Wall time, CPU time (user + system, with any workers), exit code, last line."""
        command = [program or str(UCBR), *args]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run(
            command, env=self.env(staff_id), capture_output=True, text=True, check=False
        )
        took = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        last_line = ((proc.stderr or proc.stdout).strip().splitlines() or [""])[-1]
        return took, cpu, proc.returncode, last_line

    def clear_cache(self) -> None:
        shutil.rmtree(self.root / ".git" / "ucbr" / "cache", ignore_errors=True)


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


@dataclass(frozen=True)
class Spec:
    """One row: what to run, as whom, cold or warm, the exit codes it may give, its target."""

    name: str
    staff: str
    args: Callable[[int], list[str]]
    target: float | None
    expected: frozenset[int] = frozenset({0})
    cold: bool = False
    program: str | None = None


def timed(bench: Bench, spec: Spec, repeat: int) -> Timing:
    timing = Timing(spec.name, spec.staff, spec.target)
    if not spec.cold and spec.program is None:
        bench.run(spec.staff, *spec.args(0))  # fills the cache; not timed
        timing.cache = "warm"
    for attempt in range(repeat):
        if spec.cold:
            bench.clear_cache()
            timing.cache = "cold" if drop_page_cache() else "cold (page cache warm)"
        took, cpu, code, last = bench.run(spec.staff, *spec.args(attempt), program=spec.program)
        if code not in spec.expected:
            hint = " (a reused register may predate a format change: generate a new one)"
            raise SystemExit(f"run: `{spec.name}` exited {code}: {last}{hint if code == 6 else ''}")
        timing.seconds.append(took)
        timing.cpu.append(cpu)
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


def specs(bench: Bench) -> list[Spec]:
    due = frozenset({0, 3, 4})
    checked = frozenset({0, 5})
    lookup = ["lookup", "Jane Smith"]
    return [
        Spec("python -c pass", "cron", lambda _: ["-c", "pass"], None, program=sys.executable),
        Spec("--help", "cron", lambda _: ["--help"], 0.10),
        Spec("--version", "cron", lambda _: ["--version"], 0.08),
        Spec("review-due cold", "cron", lambda _: ["review-due"], 1.0, due, cold=True),
        Spec("review-due warm", "cron", lambda _: ["review-due"], 0.30, due),
        Spec("lookup cold", "front", lambda _: lookup, 1.5, cold=True),
        Spec("lookup warm", "front", lambda _: lookup, 0.30),
        Spec("list cold", "officer", lambda _: ["list"], None, cold=True),
        Spec("list warm", "officer", lambda _: ["list"], 0.30),
        Spec("check cold", "officer", lambda _: ["check"], 4.0, checked, cold=True),
        Spec("check warm", "officer", lambda _: ["check"], None, checked),
        Spec("add-incident", "officer", incident_args(bench), 0.35),
    ]


COMMANDS = ("start-up", "review-due", "lookup", "list", "check", "add-incident", "age")


def group_of(name: str) -> str:
    if name in ("python -c pass", "--help", "--version"):
        return "start-up"
    return name.split(" ")[0]


def age_loop(bench: Bench, sample: int = AGE_SAMPLE) -> Timing:
    """``age -d`` over the schedule sections of ``sample`` files, scaled to the register."""
    timing = Timing("age -d loop (schedules)", "cron")
    age = shutil.which("age")
    if age is None:
        timing.skipped = "the age command is not installed"
        return timing
    sys.path.insert(0, str(HERE.parent))
    from ucbr.storage import envelope

    folders = [bench.root / "cases", bench.root / "properties"]
    files = sorted(p for folder in folders for p in folder.glob("*.yaml"))[:sample]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tier_key = work / "scheduler.key"
        cron_key = bench.base / bench.member("cron")["key"]
        wrapped = bench.root / ".ucbr" / "tiers" / "scheduler.age"
        with open(os.open(tier_key, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as out:
            subprocess.run([age, "-d", "-i", str(cron_key), str(wrapped)], stdout=out, check=True)
        sections = []
        for number, path in enumerate(files):
            armored = envelope.fast_section(path.read_text(), "schedule")
            assert armored is not None
            section = work / f"{number}.age"
            section.write_text(armored)
            sections.append(section)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        for section in sections:
            subprocess.run(
                [age, "-d", "-i", str(tier_key), str(section)],
                stdout=subprocess.DEVNULL,
                check=True,
            )
        took = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    per_file = took / len(sections)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    timing.seconds.append(per_file * bench.files)
    timing.cpu.append(cpu / len(sections) * bench.files)
    timing.exit_codes.append(0)
    timing.cache = f"{per_file * 1000:.2f} ms/file over {len(sections)} files, scaled"
    return timing


def measure(bench: Bench, repeat: int, only: tuple[str, ...] = COMMANDS) -> list[Timing]:
    results = [timed(bench, spec, repeat) for spec in specs(bench) if group_of(spec.name) in only]
    if "age" in only:
        results.append(age_loop(bench))
    return results


def ratios(results: list[Timing], files: int) -> dict[str, float]:
    by_name = {t.command: t for t in results if t.seconds}
    found: dict[str, float] = {}
    for name in ("review-due cold", "lookup cold", "list cold", "check cold"):
        if name in by_name:
            found[f"{name}: seconds per 1,000 files"] = by_name[name].median / files * 1000
    if "check cold" in by_name and "list cold" in by_name:
        found["check / list (cold)"] = by_name["check cold"].median / by_name["list cold"].median
    age = by_name.get("age -d loop (schedules)")
    if age and "review-due cold" in by_name:
        found["age -d loop / review-due cold"] = age.median / by_name["review-due cold"].median
    return found


def _cell(value: float | None, digits: int = 3) -> str:
    return "-" if value is None or value != value else f"{value:.{digits}f}"


def table(bench: Bench, results: list[Timing], found: dict[str, float]) -> str:
    by_name = {t.command: t for t in results if t.seconds}
    python = by_name.get("python -c pass")
    age = by_name.get("age -d loop (schedules)")
    lines = [
        f"register: {bench.root} "
        f"({bench.manifest['cases']} cases, {bench.manifest['properties']} properties)",
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end",
        "",
        f"{'command':<24} {'key':<8} {'runs':>4} {'median s':>9} {'min s':>7} {'max s':>7} "
        f"{'cpu s':>6} {'target':>7} {'met':>4} {'× pass':>7} {'age ÷':>7}  exit  cache",
    ]
    for t in results:
        if t.skipped:
            lines.append(f"{t.command:<24} {t.key:<8}  skipped: {t.skipped}")
            continue
        codes = ",".join(str(c) for c in sorted(set(t.exit_codes)))
        met = "-" if t.target is None else ("yes" if t.median <= t.target else "NO")
        vs_pass = t.median / python.median if python else None
        vs_age = age.median / t.median if age and t is not age else None
        cpu = statistics.median(t.cpu) if t.cpu else None
        lines.append(
            f"{t.command:<24} {t.key:<8} {len(t.seconds):>4} {t.median:>9.3f} "
            f"{min(t.seconds):>7.3f} {max(t.seconds):>7.3f} {_cell(cpu, 2):>6} "
            f"{_cell(t.target, 2):>7} {met:>4} {_cell(vs_pass, 1):>7} {_cell(vs_age, 1):>7}  "
            f"{codes:<5} {t.cache}"
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
        "--only", action="append", choices=COMMANDS, help="time only these rows (repeatable)"
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
