"""Typeset the booklet page into a PDF with WeasyPrint.

WeasyPrint reads only local files: a URL fetcher maps the page's relative
URLs (``../assets/…``, ``../images/…``) onto the project's assets and the
content's images and refuses everything else (no network, no other files).
Links to other site pages become the public site's URLs in the PDF. The PDF
is written to a temporary file beside the target and renamed into place, so
a failure never leaves a half-written booklet.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from kyodo import paths
from kyodo.errors import UsageError
from kyodo.launcher import SETUP
from kyodo.views.booklet.layout import PageInfo

VIRTUAL_ROOT = PurePosixPath("/kyodo-booklet-site")     # never read: the fetcher maps it
PAGE_URL = "file://" + str(VIRTUAL_ROOT / "booklet" / "index.html")
ROOT_URL = "file://" + str(VIRTUAL_ROOT) + "/"
# Declarations booklet.css keeps for browsers that WeasyPrint does not implement.
KNOWN_UNSUPPORTED = ("`line-break: strict`",)


@dataclass
class Typeset:
    pdf: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)
    layout: list[PageInfo] = field(default_factory=list)


def _weasyprint():
    try:
        import weasyprint
    except ImportError as exc:
        raise UsageError("冊子の PDF を作る WeasyPrint が入っていません。"
                         f"{SETUP} を実行してください") from exc
    except OSError as exc:   # the Pango libraries are missing
        raise UsageError("WeasyPrint が使う Pango が見つかりません。"
                         "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk "
                         f"を実行してください（{exc}）") from exc
    return weasyprint


def make_fetcher(mounts: dict[str, Path]):
    """A WeasyPrint URL fetcher serving ``<root>/<mount>/…`` from local folders only."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = {name: Path(folder).resolve() for name, folder in mounts.items()}

    class LocalOnly(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file", "data"})

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise ValueError(f"外部のファイルは読み込みません: {url}")
            path = PurePosixPath(unquote(urlsplit(url).path))
            try:
                rel = path.relative_to(VIRTUAL_ROOT)
            except ValueError:
                raise ValueError(f"サイトの外のファイルは読み込みません: {url}") from None
            if not rel.parts or rel.parts[0] not in roots:
                raise ValueError(f"読み込めるのは assets/ と images/ のファイルだけです: {url}")
            base = roots[rel.parts[0]]
            real = base.joinpath(*rel.parts[1:]).resolve()
            if not real.is_relative_to(base) or not real.is_file():
                raise ValueError(f"ファイルがありません: {rel}")
            kind = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, real.read_bytes(), {"Content-Type": kind})

    return LocalOnly()


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if not any(known in message for known in KNOWN_UNSUPPORTED):
            self.messages.append(message)


def typeset(html: str, content_root: Path, base_url: str, write: bool = True) -> Typeset:
    """PDF bytes for the booklet page ``html`` (rendered for ``booklet/``): a tagged
    PDF (PDF/UA structure tags) whose title and language come from the page.
    ``write=False`` only lays the pages out (``layout``), with no PDF."""
    weasyprint = _weasyprint()
    fetcher = make_fetcher({"assets": paths.ASSETS, "images": Path(content_root) / "images"})
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    propagate = logger.propagate
    logger.addHandler(collect)
    logger.propagate = False
    try:
        document = weasyprint.HTML(string=html, base_url=PAGE_URL, url_fetcher=fetcher).render()
        layout = [PageInfo(bool(getattr(page._page_box.page_type, "blank", False)), frozenset(page.anchors))
                  for page in document.pages]
        pdf = b""
        if write:
            for page in document.pages:
                page.links[:] = [_public_link(link, base_url) for link in page.links]
            pdf = document.write_pdf(pdf_tags=True)
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
    return Typeset(pdf, len(document.pages), collect.messages, layout)


def _public_link(link: tuple, base_url: str) -> tuple:
    """A link to another page of the site points at the public site, not a local file."""
    kind, target, *rest = link
    if kind == "external" and isinstance(target, str) and target.startswith(ROOT_URL):
        return (kind, base_url + target[len(ROOT_URL):], *rest)
    return link


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
