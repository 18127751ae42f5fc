"""The synthesis report: a cycle's figures for one audience as PDF, in one of the six
languages. Laid out by WeasyPrint through the country report's machinery
(assessments/documents/pdf.py): the same static-only fetcher, fonts, tagging and
right-to-left margin boxes."""

from datetime import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.counts import StatusCounts
from assessments.documents.charts import stacked_bars
from assessments.documents.pdf import render_pdf
from assessments.models import Cycle

from ..models import SynthesisDocument
from .counts import Synthesis


def charts(synthesis: Synthesis) -> dict:
    """The charts of the figures shown: by report (with the whole), theme, regional
    group. A withheld figure has no bar; its table row says why."""
    shown = [synthesis.overall.counts] if synthesis.overall.shown else []

    def chart(figures, title, name, extra=()):
        # A group with no State counted has nothing to draw.
        bars = [figure.counts for figure in figures if figure.shown and figure.states]
        bars += extra
        return stacked_bars(bars, title=title, name=name) if bars else None

    return {
        "report_chart": chart(
            synthesis.reports, _("Answers by report"), "synthesis-reports", shown
        ),
        "theme_chart": chart(synthesis.themes, _("Answers by theme"), "synthesis-themes"),
        "group_chart": chart(synthesis.groups, _("Answers by regional group"), "synthesis-groups"),
    }


def synthesis_context(cycle: Cycle, synthesis: Synthesis, *, now: datetime | None = None) -> dict:
    """What the pages and the document show of a synthesis, in the active language."""
    return {
        "cycle": cycle,
        "synthesis": synthesis,
        "overall_figures": [synthesis.overall],
        # The columns of every table, in the order of the charts' segments.
        "statuses": StatusCounts().rows(),
        "min_states": synthesis.min_states,
        "public": synthesis.audience == SynthesisDocument.Audience.PUBLIC,
        "generated_at": now or timezone.now(),
        **charts(synthesis),
    }


def render_synthesis_pdf(cycle: Cycle, synthesis: Synthesis, *, language: str) -> bytes:
    """The synthesis report as tagged PDF bytes, in `language`.

    `synthesis` must have been computed in `language` too: its labels (themes, groups)
    are in the language that was active then.
    """
    with translation.override(language):
        return render_pdf(
            "opendata/synthesis/pdf/synthesis.html", synthesis_context(cycle, synthesis)
        )
