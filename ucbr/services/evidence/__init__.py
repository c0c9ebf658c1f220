"""``ucbr evidence``: a bundle for one case that an investigator verifies without the council.

The bundle is a new folder outside the register (0700, files 0600) holding:

- ``report.pdf``, the readable report, drawn from ``report.json`` alone;
- ``report.json``: the chronology (one row per signed commit on the case), each revision of
  the record disclosed field by field against its commit's ``Ucbr-Record`` commitment
  (third parties withheld), the letters, the policy versions and ``check``'s findings;
- ``letters/``: each letter made again and compared with the hash recorded when it was
  issued (``reissue``);
- ``chain.objects``: every commit of the register up to the bundle's own, as git objects,
  with the staff directories and policies they ran under (``chain``);
- ``verify.py``, the script that checks all of it with only Python, git and ssh-keygen;
- ``README.txt`` and ``manifest.json`` (the SHA-256 of every file but the chain).

Making it is a disclosure: recorded in ``.ucbr/disclosures.yaml`` by a commit of its own
(``Ucbr-Action: evidence``), whose ``Ucbr-Manifest`` trailer is the hash of the manifest,
signed by the officer who made it. The chain ends with that commit.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from ucbr.domain.permissions import WHO_MAY, refusal
from ucbr.domain.problems import Problem
from ucbr.errors import Refused
from ucbr.services.evidence import chain, chronology, reissue
from ucbr.services.evidence.data import FORMAT, readme, report_data
from ucbr.services.evidence.report import render_pdf
from ucbr.services.sar import check_unused, new_folder, record_disclosure
from ucbr.services.session import Session
from ucbr.storage.private import create_private_file, outside_register
from ucbr.storage.vault import Identity

MANIFEST_TRAILER = "Ucbr-Manifest"
__all__ = ["FORMAT", "Bundle", "produce"]


@dataclass(frozen=True)
class Bundle:
    """An evidence bundle: its folder, its files, the commit recording it, its letters."""

    folder: Path
    files: list[Path]
    commit: str
    letters: list[reissue.Reissued]


def script_source() -> bytes:
    """The verifier as the bundle carries it: this package's own ``verify_bundle.py``."""
    return files("ucbr.services.evidence").joinpath("verify_bundle.py").read_bytes()


def produce(
    session: Session,
    identities: Sequence[Identity],
    case_id: str,
    out: Path,
    withhold: Sequence[str] = (),
    letters_from: Path | None = None,
) -> Bundle:
    """Write the bundle for one case, record the disclosure, and verify the bundle as an
    investigator would; nothing is left behind when any of it fails."""
    if session.actor.role not in WHO_MAY["evidence"]:
        raise Refused(refusal(session.actor.role, "evidence"))
    folder = outside_register(session.reg.root, out)
    check_unused(folder)
    copies = reissue.copies_in(letters_from)
    reg = session.reg
    with reg.locked():
        _, case = reg.load_case(case_id, session.ring)
        history = chronology.read_history(reg, identities, session.ring, case.id)
        unknown = chronology.unknown_asked(history, withhold)
        if unknown:
            raise Refused(
                f"a field given to --redact is not one of {case.id}'s fields (or names an "
                "item): name it as `ucbr history` does, e.g. incidents[I-…].summary"
            )
        letters = reissue.reissue_all(reg, history, case, copies)
        data = report_data(session, history, case, letters, withhold)
        contents = _contents(data, letters)
        manifest = _manifest(case.id, contents)
        contents["manifest.json"] = manifest
        made = new_folder(folder)
        written: list[Path] = []
        try:
            for name, content in contents.items():
                _write(folder, name, content, written)

            def finished(sha: str) -> list[Problem]:
                # The chain ends with the disclosure's own commit; a bundle that does not
                # verify undoes it, so no disclosure is recorded that was not made.
                _write(folder, "chain.objects", chain.chain_objects(reg.root, sha), written)
                return _self_verify(folder)

            commit = _record(session, case.id, data, manifest, finished)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            if made:
                shutil.rmtree(folder, ignore_errors=True)
            raise
    return Bundle(folder, written, commit, letters)


def _contents(data: dict[str, object], letters: list[reissue.Reissued]) -> dict[str, bytes]:
    """Every file of the bundle but the manifest and the chain."""
    contents = {
        "README.txt": readme(data).encode(),
        "verify.py": script_source(),
        "report.json": (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode(),
        "report.pdf": render_pdf(data),
    }
    for letter in letters:
        if letter.file is not None and letter.content is not None:
            contents[letter.file] = letter.content
    return contents


def _manifest(case_id: str, contents: dict[str, bytes]) -> bytes:
    listed = [
        {"name": name, "sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}
        for name, body in sorted(contents.items())
    ]
    return (json.dumps({"case": case_id, "files": listed}, indent=1) + "\n").encode()


def _write(folder: Path, name: str, content: bytes, written: list[Path]) -> None:
    path = folder / name
    if path.parent != folder and not path.parent.exists():
        path.parent.mkdir(mode=0o700)
    create_private_file(path, content)
    written.append(path)


def _record(
    session: Session,
    case_id: str,
    data: dict[str, object],
    manifest: bytes,
    finished: Callable[[str], list[Problem]],
) -> str:
    """The disclosure, in a commit whose trailer is the hash of the bundle's manifest."""
    sha = hashlib.sha256(manifest).hexdigest()
    redactions = data.get("redactions")
    entry = {
        "id": case_id,
        "date": session.today.isoformat(),
        "by": session.actor.id,
        "kind": "evidence",
        "withheld": sorted({str(r["field"]) for r in redactions})
        if isinstance(redactions, list)
        else [],
        "manifest_sha256": sha,
    }
    message = session.message("evidence", case_id, extra=[(MANIFEST_TRAILER, sha)])
    return record_disclosure(session, entry, message, finished)


def _self_verify(folder: Path) -> list[Problem]:
    """Run the bundle's own script on it, as an investigator would: it must pass."""
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(folder / "verify.py"), str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode in (0, 3):
        return []
    failed = [ln for ln in done.stdout.splitlines() if ln.startswith("FAIL ")]
    reason = failed[0].removeprefix("FAIL ") if failed else f"exit {done.returncode}"
    return [Problem(str(folder), f"the bundle does not verify: {reason}", severity="integrity")]
