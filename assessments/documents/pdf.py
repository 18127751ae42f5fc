"""The country report: a snapshot rendered to PDF by WeasyPrint.

The renderer reads only the snapshot (plain data frozen at submission), so the same
snapshot always tells the same story. Its only outside resources are the project's own
stylesheet and fonts, fetched from disk by `static_asset_fetcher`.

WeasyPrint is imported here only, when a PDF is made: importing it costs every process
(each manage.py command, each worker start) 0.3 s.
"""

import contextlib
import functools
import gc
import mimetypes
import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_bidi, get_language_info
from django.utils.translation import gettext as _

from catalogue.bidi import ltr_isolated
from catalogue.original_texts import notice_text
from r2p_site.datastack import with_stack_room
from r2p_site.fonts import cjk_font_path

from ..counts import StatusCounts
from .charts import stacked_bars
from .snapshot import readable

if TYPE_CHECKING:
    import pydyf
    from weasyprint.document import Document

ASSETS_DIR = Path(settings.BASE_DIR) / "static"


class AssetRefused(ValueError):
    pass


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticAssetFetcher(URLFetcher):
        """Serve `file:` URLs inside the project's static folder; refuse everything else.

        No network, no redirects, no file outside static (`..` and symbolic links are
        resolved before the check). A refusal stops the rendering: the templates ask for
        nothing else, so any other URL is a bug or an injection, never something to skip.
        """

        def __init__(self, root: Path, fonts: tuple[Path, ...] = ()):
            super().__init__(allowed_protocols=["file"], allow_redirects=False, fail_on_errors=True)
            self.root = root.resolve()
            self.fonts = {font.resolve() for font in fonts}

        def fetch(self, url, headers=None):
            if not url.startswith("file:"):
                raise AssetRefused(f"Only the project's static files may be used, not {url!r}.")
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            allowed = path.is_relative_to(self.root) or path in self.fonts
            if not allowed or not path.is_file():
                raise AssetRefused(f"Only the project's static files may be used, not {url!r}.")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticAssetFetcher


def static_asset_fetcher(root: Path = ASSETS_DIR):
    """WeasyPrint's only way out: the project's static files, from disk, and the CJK
    font installed with the requirements (fonts.py)."""
    cjk = cjk_font_path()
    return _fetcher_class()(root, (cjk,) if cjk else ())


def font_faces() -> str:
    """@font-face rules for the fonts outside static/, whose place only Python knows."""
    cjk = cjk_font_path()
    if cjk is None:
        return ""
    return f'@font-face {{ font-family: "Noto Sans CJK"; src: url("{cjk.as_uri()}"); }}'


def css_counter_text(template: str) -> str:
    """'Page {page} of {pages}' -> '"Page " counter(page) " of " counter(pages)' for CSS."""
    parts = []
    # re.split with a group alternates text and the captured counter names.
    for index, piece in enumerate(re.split(r"\{(pages?)\}", template)):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            escaped = piece.replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'"{escaped}"')
    return " ".join(parts)


def text_direction(text: str) -> str:
    """The direction of a text, as HTML's dir="auto" (which WeasyPrint lacks) would set
    it from its first letter with one: evidence in Arabic reads right to left in a
    French report, evidence in English left to right in an Arabic one."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def report_context(snapshot: dict, *, draft: bool) -> dict:
    snapshot = readable(snapshot)
    reports = snapshot["reports"]
    for report in reports:
        for answer in report["answers"]:
            answer["evidence_dir"] = text_direction(answer["evidence"])
    summaries = [
        StatusCounts.of_statuses((r["status"] for r in report["answers"]), str(report["year"]))
        for report in reports
    ]
    overall = StatusCounts.combined(summaries, _("All reports"))
    submission = snapshot["submission"]
    cycle_deadline = date.fromisoformat(snapshot["cycle"]["deadline"])
    # The State's own deadline (its extension in force), frozen at submission; snapshots
    # frozen before it was print the cycle's, as they always did.
    deadline = date.fromisoformat(submission.get("deadline", snapshot["cycle"]["deadline"]))
    return {
        "snapshot": snapshot,
        "state": snapshot["member_state"],
        "cycle": snapshot["cycle"],
        "submission": submission,
        "submitted_at": datetime.fromisoformat(submission["submitted_at"]),
        "deadline": deadline,
        "extended_from": cycle_deadline if deadline != cycle_deadline else None,
        "reports": [
            {**report, "summary": summary}
            for report, summary in zip(reports, summaries, strict=True)
        ],
        "overall": overall,
        "chart": stacked_bars(
            [*summaries, overall], title=_("Answers by report"), name="summary-chart"
        ),
        "draft": draft,
        # Said once, on the summary page, rather than beside every text marked EN.
        "originals_notice": notice_text()
        if any(
            report["title_original"] or any(answer["text_original"] for answer in report["answers"])
            for report in reports
        )
        else "",
    }


@dataclass(frozen=True)
class OfficialReport:
    """What a rendering in another language says of the official PDF it translates."""

    number: int
    language: str
    sha256: str
    verify_url: str

    def note(self) -> str:
        """The notice on the cover and at the foot of every page, in the active language,
        as HTML.

        The fingerprint and the address are left-to-right runs of their own, each kept on
        one line: in an Arabic sentence the address's last slash, a neutral at the end of
        the run, would otherwise be drawn before its "https"; and WeasyPrint lays out
        each line of a paragraph anew, so a run broken across two lines would lose the
        mark that opens it on the second.
        """
        sentence = _(
            "A translation of the interface labels of submission %(number)s, not the "
            "official report, which is in %(language)s. SHA-256 of the official PDF: "
            "%(sha256)s. Verify it at %(url)s"
        )
        return mark_safe(  # noqa: S308 (the sentence and every value are escaped)
            escape(sentence)
            % {
                "number": self.number,
                "language": escape(get_language_info(self.language)["name_translated"]),
                "sha256": _unbroken_ltr_run(self.sha256),
                "url": _unbroken_ltr_run(self.verify_url),
            }
        )


def _unbroken_ltr_run(value: str) -> str:
    return format_html('<span class="unbroken">{}</span>', ltr_isolated(value))


def render_country_report(
    snapshot: dict,
    *,
    language: str | None = None,
    draft: bool = False,
    translating: OfficialReport | None = None,
) -> bytes:
    """The country report of a snapshot as tagged PDF (PDF/UA-1) bytes.

    In `language`, by default the one the submission was made in (format 1 snapshots
    hold English labels, whatever the language). `translating`: the official report
    that this rendering in another language translates, named on every page.
    """
    language = language or snapshot.get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = report_context(snapshot, draft=draft)
        context["translation_note"] = translating.note() if translating else ""
        return render_pdf("assessments/pdf/country_report.html", context)


def render_pdf(template: str, context: dict) -> bytes:
    """A template as tagged PDF (PDF/UA-1), with static files as its only resources."""
    return html_to_pdf(pdf_html(template, context))


def html_to_pdf(html: str) -> bytes:
    """HTML as tagged PDF (PDF/UA-1), with static files as its only resources; also the
    bare layout that `benchmark_pdf` measures the country report against."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    def write() -> bytes:
        document = HTML(
            string=html, base_url=ASSETS_DIR.as_uri() + "/", url_fetcher=static_asset_fetcher()
        )
        return document.write_pdf(
            font_config=FontConfiguration(), pdf_variant="pdf/ua-1", finisher=scope_header_cells
        )

    with collector_paused():
        return with_stack_room(write)


_paused = {"renderings": 0, "resume": False}
_paused_lock = threading.Lock()


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector off while WeasyPrint works, then as it was before.

    A rendering builds hundreds of thousands of objects that live until its end and
    makes almost no cycles (41 objects to collect after one): the collector's passes,
    each a walk of the objects of its generations, took a tenth of the country report's
    time and freed nothing that mattered (docs/benchmarks.md).
    Counted, so that renderings in two threads at once leave it as they found it.
    """
    with _paused_lock:
        if _paused["renderings"] == 0:
            _paused["resume"] = gc.isenabled()
            gc.disable()
        _paused["renderings"] += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused["renderings"] -= 1
            if _paused["renderings"] == 0 and _paused["resume"]:
                gc.enable()


# HTML's scope of a header cell as PDF's /Scope. A <th> without one heads its column, as
# WeasyPrint reads it when it links the data cells to their headers.
HEADER_SCOPES = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column"}


def scope_header_cells(document: "Document", pdf: "pydyf.PDF") -> None:
    """Give every header cell of a tagged PDF the /Scope of its HTML `scope`.

    WeasyPrint 70 tags a <th> as /TH and lists each data cell's headers (/Headers), but
    writes no /Scope, which PDF/UA-1 (7.5) checkers and screen readers look for on the
    header cell itself. Its `finisher` hook runs here on the PDF objects before they are
    written: no second parse and no other library. The tagging leaves each cell's
    structure element on its box (`box.mark`, weasyprint/pdf/tags.py); should a new
    WeasyPrint stop doing so, tests/assessments/test_pdf_accessibility.py fails.
    """
    for page in document.pages:
        for box in page._page_box.descendants():
            element = getattr(box, "mark", None)
            if box.element_tag == "th" and isinstance(element, dict):
                element["A"]["Scope"] = HEADER_SCOPES.get(box.element.get("scope"), "/Column")


def pdf_html(template: str, context: dict) -> str:
    """The HTML of a PDF document, in the active language and its direction."""
    rtl = get_language_bidi()
    context = {
        "language": get_language() or settings.LANGUAGE_CODE,
        "direction": "rtl" if rtl else "ltr",
        # Page margin boxes do not follow the text's direction: mirrored by hand.
        "start": "right" if rtl else "left",
        "end": "left" if rtl else "right",
        "page_counter": css_counter_text(_("Page {page} of {pages}")),
        # Templates shared with pages draw some things otherwise for WeasyPrint, which
        # tags a PDF by its own rules (the chart legend's swatches, the chart's text).
        "pdf": True,
        "font_faces": font_faces(),
        **context,
    }
    return render_to_string(template, context)
