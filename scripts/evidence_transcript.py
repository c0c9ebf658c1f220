"""The transcript of docs/evidence.md, made by running it: `--write` puts it there.

    python scripts/evidence_transcript.py          # exit 1 (and a diff) if docs/evidence.md differs
    python scripts/evidence_transcript.py --write  # rewrite the block in docs/evidence.md

A register is made with the demo staff's keys (register/demo-keys) and one case is taken
through the whole ladder, an appeal and a review, on fixed days of 2026; the demo IG
officer makes the bundle, and an investigator verifies it with the machine's own Python,
git and ssh-keygen. Encryption is randomised, so commit ids, case and item ids and hashes
differ on every run: the doc shows those of the run that wrote it, and the comparison
takes each such token as a placeholder, numbered as it first appears. Folders are shown as
/tmp/evidence-demo whatever they really are.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "evidence.md"
SHOWN = "/tmp/evidence-demo"
BEGIN = "```console\n$ ucbr evidence"
STAFF = {
    "demo-manager": ("manager", "Morgan Demo", ("--service", "Customer Services")),
    "demo-officer": ("case_officer", "Olive Demo", ()),
    "demo-officer2": ("case_officer", "Otto Demo", ()),
    "demo-head": ("head_of_service", "Hana Demo", ()),
    "demo-ig": ("ig_officer", "Ivan Demo", ()),
}
VOLATILE = re.compile(r"\b[0-9a-f]{7,64}\b|\b[CPIDRALF]-[0-9A-HJKMNP-TV-Z]{8}\b")
TAMPER = """python3 - <<'EOF'    # someone moves the approval a week earlier, and lists the new hash
import hashlib, json
report = json.load(open("report.json"))
approval = next(row for row in report["chronology"] if row["action"] == "approve")
approval["date"] = "2026-03-26"
open("report.json", "w").write(json.dumps(report, indent=1))
manifest = json.load(open("manifest.json"))
for item in manifest["files"]:
    item["sha256"] = hashlib.sha256(open(item["name"], "rb").read()).hexdigest()
open("manifest.json", "w").write(json.dumps(manifest, indent=1))
EOF"""


class Demo:
    """A register made with the demo staff's keys, one command at a time."""

    def __init__(self, work: Path) -> None:
        self.work, self.root, self.keys = work, work / "register", work / "keys"
        shutil.copytree(ROOT / "register" / "demo-keys", self.keys)
        for key in self.keys.glob("*.txt"):
            key.chmod(0o600)
        (work / "home").mkdir()
        (work / "home" / "gitconfig").write_text("")

    def env(self, who: str, day: str) -> dict[str, str]:
        name = f"{STAFF[who][1]} ({STAFF[who][0].replace('_', ' ')})"
        return {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(self.work / "home"),
            "GIT_CONFIG_GLOBAL": str(self.work / "home" / "gitconfig"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": f"{who}@demo.invalid",
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": f"{who}@demo.invalid",
            "GIT_AUTHOR_DATE": f"{day}T10:00:00Z",
            "GIT_COMMITTER_DATE": f"{day}T10:00:00Z",
            "UCBR_TODAY": day,
            "UCBR_REGISTER": str(self.root),
            "UCBR_IDENTITY_FILE": str(self.keys / f"{who}.txt"),
            "COLUMNS": "200",
        }

    def ucbr(self, who: str, day: str, *args: str) -> str:
        """One command, run in this process (the setup is not shown, so it may be quick)."""
        from ucbr.cli import main

        out, err = io.StringIO(), io.StringIO()
        saved = dict(os.environ)
        os.environ.update(self.env(who, day))
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(list(args))
        finally:
            os.environ.clear()
            os.environ.update(saved)
        if code != 0:
            raise SystemExit(f"{args[:2]}: exit {code}: {err.getvalue().strip()}")
        return out.getvalue()

    def incident(self, day: str, case: str | None, *args: str) -> tuple[str, str]:
        target = ["--new", "--name", "Alex Example"] if case is None else [case]
        out = self.ucbr("demo-officer", day, "add-incident", *target, "--date", day, "--channel",
                        "telephone", "--location", "council_premises", "--category", "A",
                        "--json", *args)  # fmt: skip
        data = json.loads(out)
        return data["case"], data["incident"]


def build(demo: Demo) -> str:
    """The register and one case through the whole ladder; the case id."""
    first = "demo-manager"
    demo.ucbr(first, "2026-01-04", "init", str(demo.root), "--council",
              "West Exampleshire District Council", "--council-email",
              "customer.relations@example.gov.uk", "--privacy-url",
              "https://www.example.gov.uk/privacy/ucbr")  # fmt: skip
    for who, (role, name, post) in STAFF.items():
        key = subprocess.run(["ssh-keygen", "-y", "-f", str(demo.keys / f"{who}.txt")],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        named = f"{name} ({role.replace('_', ' ')})"
        demo.ucbr(first, "2026-01-04", "staff", "add", who, "--name", named, "--email",
                  f"{who}@demo.invalid", "--role", role, "--key", key, *post)  # fmt: skip
    sent = demo.work / "sent"
    sent.mkdir()
    case, one = demo.incident("2026-03-02", None, "--behaviour", "abusive", "--summary",
                              "Shouted and swore at the officer.")  # fmt: skip
    run = demo.ucbr
    run("demo-officer", "2026-03-02", "escalate", case, "--incident", one, "--note",
        "Told the behaviour was unacceptable; asked to stop.")  # fmt: skip
    _, two = demo.incident("2026-03-10", case, "--behaviour", "abusive", "--summary",
                           "Swore at the officer again.", "--by-representative",
                           "Jo Bloggs (advocate)")  # fmt: skip
    run("demo-officer", "2026-03-10", "escalate", case, "--incident", two)
    run("demo-officer", "2026-03-11", "letter", case, "--kind", "informal-warning", "--out",
        str(sent / "informal.md"))  # fmt: skip
    _, three = demo.incident("2026-04-01", case, "--behaviour", "threatening_language",
                             "--summary", "Threatened to come to the office.")  # fmt: skip
    run("demo-officer", "2026-04-01", "escalate", case, "--incident", three, "--only-channel",
        "email", "--considerations", "No protected characteristics or at-risk factors known.",
        "--essential-services", "By letter to the Council Offices.", "--review-by",
        "2026-10-01")  # fmt: skip
    run("demo-manager", "2026-04-02", "approve", case)
    run("demo-officer", "2026-04-02", "letter", case, "--kind", "formal-warning", "--out",
        str(sent / "formal.pdf"))  # fmt: skip
    run("demo-officer2", "2026-04-20", "appeal", "lodge", case, "--received", "2026-04-20")
    run("demo-officer2", "2026-04-21", "letter", case, "--kind", "appeal-acknowledgement",
        "--out", str(sent / "acknowledgement.md"))  # fmt: skip
    run("demo-head", "2026-05-11", "appeal", "decide", case, "--outcome", "upheld", "--reasons",
        "The restriction is proportionate to the threats made.")  # fmt: skip
    run("demo-officer", "2026-05-12", "letter", case, "--kind", "appeal-outcome", "--out",
        str(sent / "appeal-outcome.md"))  # fmt: skip
    run("demo-officer", "2026-09-27", "review", case, "--outcome", "continue", "--reasons",
        "No evident change in behaviour.")  # fmt: skip
    run("demo-manager", "2026-09-27", "approve", case)  # continuing is the manager's decision
    run("demo-officer", "2026-09-28", "letter", case, "--kind", "review-outcome", "--out",
        str(sent / "review-outcome.md"))  # fmt: skip
    return case


def _run(demo: Demo, command: str, cwd: Path, env: dict[str, str]) -> str:
    """One command, as a shell would run it; its output and exit code."""
    proc = subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True,
                          env=env)  # fmt: skip
    out = (proc.stdout + proc.stderr).replace(str(demo.work), SHOWN)
    return f"{out}(exit {proc.returncode})\n"


def transcript() -> str:
    """The console block, made now."""
    work = Path(tempfile.mkdtemp(prefix="ucbr-evidence-"))
    try:
        return _transcript(Demo(work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _transcript(demo: Demo) -> str:
    case = build(demo)
    ig = demo.env("demo-ig", "2026-11-29")
    (demo.work / "ombudsman").mkdir()
    bundle = demo.work / "ombudsman" / case
    blocks = [f"$ ucbr evidence {case} --out ~/ombudsman/{case}\n"
              + _run(demo, f"ucbr evidence {case} --out {bundle}", demo.root, ig)]  # fmt: skip
    blocks.append(f"$ ls ~/ombudsman/{case}\n" + _run(demo, f"ls {bundle}", demo.root, ig))
    investigator = {"PATH": "/usr/bin:/bin", "HOME": str(demo.work), "LANG": "C.UTF-8"}
    report = json.loads((bundle / "report.json").read_text())
    approval = next(r["commit"] for r in report["chronology"] if r["action"] == "approve")
    fingerprint = report["verification"]["root"]
    steps = [
        "cat README.txt",
        f"python3 -I -S verify.py . --root {fingerprint}",
        "python3 -I -S verify.py . --export ../check > /dev/null",
        "git --git-dir ../check/chain.git log --date=short --format='%h %ad %an: %s' -3",
        "git --git-dir ../check/chain.git -c gpg.ssh.allowedSignersFile=../check/allowed_signers"
        f" verify-commit {approval[:7]}",
        TAMPER,
        "python3 -I -S verify.py .",
    ]
    for step in steps:
        blocks.append(f"$ {step}\n{_run(demo, step, bundle, investigator)}")
    return "```console\n" + "\n".join(blocks) + "```\n"


def normal(text: str) -> str:
    """The text with each id and hash a numbered placeholder, in order of appearance."""
    seen: dict[str, str] = {}
    return VOLATILE.sub(lambda m: seen.setdefault(m.group(0), f"<{len(seen) + 1}>"), text)


def main() -> int:
    text = DOC.read_text()
    start = text.index(BEGIN)
    end = text.index("\n```\n", start) + 5
    made = transcript()
    if "--write" in sys.argv:
        DOC.write_text(text[:start] + made + text[end:])
        return 0
    if normal(text[start:end]) == normal(made):
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        normal(text[start:end]).splitlines(True), normal(made).splitlines(True),
        "docs/evidence.md", "made now",
    ))  # fmt: skip
    return 1


if __name__ == "__main__":
    sys.exit(main())
