"""Rendering letters: the facts ``ucbr.domain.letters`` gathers, through Jinja, to md, HTML or PDF.

Templates ship inside the package (``ucbr/templates``); a council overrides any of them
with a file of the same name committed in its register's ``.ucbr/templates/`` (read from
the commit, never the working tree, and never through a link: see
``Register.committed_templates``). Rendering is sandboxed and strict: case data is only
ever a value, never template code.

``template_sha256`` is the SHA-256 of every template the letter used (the kind's own
template plus the layout and parts it extends or includes), taken over the sources
sorted by template name, each as ``name NUL source NUL``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, get_args

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ucbr.domain.letters import LetterRefused, letter_facts
from ucbr.domain.model import Case, LetterFormat, LetterKind
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory
from ucbr.errors import Refused

TEMPLATES = Path(str(files("ucbr").joinpath("templates")))
# Where a council's own templates live in its register; they are read from the last commit.
OVERRIDES = ".ucbr/templates"

Format = LetterFormat


class LetterTemplateError(Refused):
    """A template that cannot render: a missing variable, bad syntax or unsafe code."""


@dataclass(frozen=True)
class RenderedLetter:
    """A letter as written: its bytes, their hash, and the hash of the templates used."""

    kind: str
    format: str
    content: bytes
    template_sha256: str
    sha256: str
    about: str | None  # the decision, review, appeal or FOI record the letter concerns


class _RecordingLoader(jinja2.BaseLoader):
    """The council's committed overrides first, then the package's own templates; remembers
    every template used, for the letter's template hash."""

    def __init__(self, overrides: Mapping[str, str]) -> None:
        self._overrides = dict(overrides)
        self._package = jinja2.FileSystemLoader(str(TEMPLATES))
        self.sources: dict[str, str] = {}
        self.names: dict[str, str] = {}  # file name -> template name, to name the culprit

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template in self._overrides:
            source = self._overrides[template]
            filename: str | None = f"{OVERRIDES}/{template}"
            uptodate: Callable[[], bool] | None = None
        else:
            source, filename, uptodate = self._package.get_source(environment, template)
        self.sources[template] = source
        if filename:
            self.names[filename] = template
        return source, filename, uptodate


def _environment(loader: _RecordingLoader) -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        cache_size=0,
    )


def _culprit(exc: BaseException, loader: _RecordingLoader, fallback: str) -> str:
    """The template the error happened in: Jinja puts template frames in the traceback."""
    name = fallback
    frame = exc.__traceback__
    while frame is not None:
        name = loader.names.get(frame.tb_frame.f_code.co_filename, name)
        frame = frame.tb_next
    return name


def render_template(
    name: str, context: dict[str, Any], overrides: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """The rendered text and the hash of every template source it used."""
    loader = _RecordingLoader(overrides or {})
    try:
        text = _environment(loader).get_template(name).render(context)
    except jinja2.TemplateNotFound as exc:
        raise LetterTemplateError(f"template {exc.name} is missing") from None
    except jinja2.TemplateSyntaxError as exc:
        where = exc.name or name
        raise LetterTemplateError(f"template {where} line {exc.lineno}: {exc.message}") from None
    except jinja2.TemplateError as exc:  # undefined, unsafe, or raised by the template
        raise LetterTemplateError(f"template {_culprit(exc, loader, name)}: {exc}") from None
    return text, _sources_hash(loader.sources)


def _sources_hash(sources: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(f"{name}\0{sources[name]}\0".encode())
    return digest.hexdigest()


_TAG = re.compile(r"(<[^>]*>)")


def unbroken(html: str, reference: str) -> str:
    """The letter with each mention of ``reference`` in its body kept on one line, whatever
    the template (a council's own too): a line may otherwise break after the hyphen of
    ``C-…``, and a reference split in two cannot be quoted back."""
    head, body_tag, body = html.partition("<body")
    if not body_tag:
        return html
    kept = f'<span style="white-space: nowrap">{reference}</span>'
    parts = _TAG.split(body)
    for index in range(0, len(parts), 2):  # the text between tags, never a tag itself
        parts[index] = parts[index].replace(reference, kept)
    return head + body_tag + "".join(parts)


def html_to_pdf(html: str) -> bytes:
    """A PDF of self-contained HTML; no URL is ever fetched. The same HTML gives the same
    bytes (with the same PDF engine and fonts), so a letter can be made again and compared
    with the hash recorded when it was issued."""
    import weasyprint  # slow to import, and only PDF output needs it

    no_fetching = weasyprint.urls.URLFetcher(allowed_protocols=())
    with _fonts_undated():
        return bytes(weasyprint.HTML(string=html, url_fetcher=no_fetching).write_pdf())


@contextmanager
def _fonts_undated() -> Iterator[None]:
    """The fonts a PDF embeds are stamped with the moment they were subset, unless
    SOURCE_DATE_EPOCH (the reproducible-builds convention) gives the moment to use."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def render_letter(
    case: Case,
    kind: LetterKind,
    fmt: Format,
    cfg: PolicyConfig,
    policy_hash: str,
    staff: StaffDirectory,
    today: dt.date,
    overrides: Mapping[str, str] | None = None,
) -> RenderedLetter:
    """Render one letter from the case's own facts, or refuse when they are not there yet."""
    if fmt not in get_args(Format):
        raise LetterRefused(f"there is no letter format {fmt}; use pdf, html or md")
    about, context = letter_facts(case, kind, cfg, policy_hash, staff, today, fmt)
    source = "html" if fmt == "pdf" else fmt
    text, template_sha256 = render_template(f"{kind}.{source}.j2", context, overrides)
    if source == "html":
        text = unbroken(text, case.id)
    content = html_to_pdf(text) if fmt == "pdf" else text.encode()
    return RenderedLetter(
        kind=kind,
        format=fmt,
        content=content,
        template_sha256=template_sha256,
        sha256=hashlib.sha256(content).hexdigest(),
        about=about,
    )
