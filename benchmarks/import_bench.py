"""Time `ucbr import` of a realistic 500-row sheet, as a real run of the installed CLI.

    python benchmarks/import_bench.py [--rows 500] [--repeat 3] [--json]

Builds a register with one member of staff in each role (``benchmarks/generate.py`` with no
cases), writes the messy sheet of ``benchmarks/import_sheet.py`` (without its duplicate
person) as XLSX, then imports it into a fresh copy of the register ``--repeat`` times, each
as its own ``ucbr`` process, and prints the median, the fastest and the slowest. Each run
checks every row, replays every case through the policy, makes one signed commit per case
and judges them all as the audit would.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.import_sheet import sheet_rows, write  # noqa: E402

UCBR = Path(sys.executable).parent / "ucbr"
TODAY = dt.date(2026, 11, 28)


def environment(base: Path, manifest: dict[str, object]) -> dict[str, str]:
    """The manager's environment on the register's day, with git isolated."""
    staff = manifest["staff"]
    assert isinstance(staff, dict)
    moment = f"{TODAY.isoformat()}T12:00:00+00:00"
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("UCBR_", "GIT_"))},
        "HOME": str(base / "home"),
        "GIT_CONFIG_GLOBAL": str(base / "home" / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": staff["mgr"]["name"],
        "GIT_AUTHOR_EMAIL": staff["mgr"]["email"],
        "GIT_COMMITTER_NAME": staff["mgr"]["name"],
        "GIT_COMMITTER_EMAIL": staff["mgr"]["email"],
        "GIT_AUTHOR_DATE": moment,
        "GIT_COMMITTER_DATE": moment,
        "UCBR_TODAY": TODAY.isoformat(),
        "UCBR_IDENTITY_FILE": str(base / staff["mgr"]["key"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ucbr-import-bench-") as scratch:
        base = Path(scratch) / "base"
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(base), "--cases", "0",
             "--properties", "0", "--today", TODAY.isoformat()],
            check=True, capture_output=True,
        )  # fmt: skip
        manifest = json.loads((base / "manifest.json").read_text())
        header, rows = sheet_rows(args.rows, TODAY, duplicate=False)
        sheet = Path(scratch) / "cases.xlsx"
        write(sheet, header, rows)
        seconds: list[float] = []
        cases = 0
        for run in range(args.repeat):
            copy = Path(scratch) / f"run{run}"
            shutil.copytree(base, copy, symlinks=True)
            env = {**environment(copy, manifest), "UCBR_REGISTER": str(copy / "register")}
            started = time.perf_counter()
            done = subprocess.run(
                [str(UCBR), "import", str(sheet), "--json"], env=env, capture_output=True,
                text=True, check=False,
            )  # fmt: skip
            seconds.append(time.perf_counter() - started)
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                return 1
            cases = json.loads(done.stdout)["counts"]["cases"]
    result = {
        "rows": len(rows),
        "cases": cases,
        "median": statistics.median(seconds),
        "min": min(seconds),
        "max": max(seconds),
        "runs": seconds,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"ucbr import: {result['rows']} rows, {cases} cases: median {result['median']:.1f} s "
            f"(min {result['min']:.1f}, max {result['max']:.1f}, {args.repeat} runs)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
