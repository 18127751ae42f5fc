"""The synthesis as data: one row (CSV) or object (JSON) per figure. A withheld figure
gives its reason and no counts, exactly as the pages do (counts.py never hands them out).

Column and key names are fixed identifiers, the same in every language (a script reads
them); labels and notes are in the language of the request.
"""

import json

from django.http import HttpResponse
from django.utils import timezone

from assessments.counts import FIELDS, STATUS_ORDER
from assessments.models import Cycle
from assessments.spreadsheets import table_csv_response

from .counts import Figure, Synthesis

STATUS_FIELDS = [FIELDS[status] for status in STATUS_ORDER]
HEADER = [
    "kind",
    "key",
    "label",
    "title",
    "states",
    *STATUS_FIELDS,
    "total",
    "recommendations_counted",
    "recommendations",
    "withheld",
    "note",
]


def figure_data(figure: Figure) -> dict:
    counts = figure.counts
    single = figure.kind == "recommendation"
    return {
        "kind": figure.kind,
        "key": figure.key,
        "label": figure.label,
        "title": figure.title,
        "states": figure.states,
        "counts": None
        if counts is None
        else {FIELDS[status]: counts.of(status) for status in STATUS_ORDER},
        "total": None if counts is None else counts.total,
        # Of an aggregate: how many of its recommendations it counts (the others withheld).
        "recommendations_counted": None if single else figure.recommendations,
        "recommendations": None if single else figure.recommendations_total,
        "withheld": figure.withheld or None,
        "note": figure.note,
    }


def synthesis_data(cycle: Cycle, synthesis: Synthesis) -> dict:
    """The whole synthesis as one JSON-ready object."""
    return {
        "cycle": {"code": cycle.code, "name": cycle.name_shown},
        "audience": synthesis.audience,
        "min_states": synthesis.min_states,
        "generated_at": timezone.now().isoformat(),
        "statuses": STATUS_FIELDS,
        "figures": {
            kind: [figure_data(figure) for figure in figures]
            for kind, figures in synthesis.tables()
        },
    }


def synthesis_rows(synthesis: Synthesis):
    for _kind, figures in synthesis.tables():
        for figure in figures:
            data = figure_data(figure)
            counts = data.pop("counts") or {}
            yield [
                *(data[name] for name in HEADER[:5]),
                *(counts.get(name) for name in STATUS_FIELDS),
                *(data[name] for name in HEADER[5 + len(STATUS_FIELDS) :]),
            ]


def filename(cycle: Cycle, synthesis: Synthesis, extension: str) -> str:
    return f"R2P-synthesis-{cycle.code}-{synthesis.audience}.{extension}"


def synthesis_csv_response(cycle: Cycle, synthesis: Synthesis) -> HttpResponse:
    """CSV with a BOM, every text cell made safe for spreadsheets (spreadsheets.py)."""
    rows = (["" if value is None else value for value in row] for row in synthesis_rows(synthesis))
    return table_csv_response(HEADER, rows, filename(cycle, synthesis, "csv"))


def synthesis_json_response(cycle: Cycle, synthesis: Synthesis) -> HttpResponse:
    result = HttpResponse(
        json.dumps(synthesis_data(cycle, synthesis), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    result["Content-Disposition"] = f'attachment; filename="{filename(cycle, synthesis, "json")}"'
    return result
