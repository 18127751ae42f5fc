"""Bar charts of status counts, drawn as SVG on the server (WeasyPrint runs no script)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from ..counts import STATUS_COLOURS, STATUS_ORDER, StatusCounts


def describe_bar(counts: StatusCounts) -> str:
    """What one bar shows, in words: a screen reader cannot see the segments."""
    # Translators: the answers of one bar of a chart (a report, a regional group), read
    # out by screen readers, e.g. "2009, 10 of 12 answered (5 implemented, ...)".
    answered = ngettext(
        "%(answered)s of %(total)s answered",
        "%(answered)s of %(total)s answered",
        counts.total,
    ) % {"answered": counts.answered, "total": counts.total}
    by_status = _("%(implemented)s, %(partially)s, %(not_started)s") % {
        "implemented": ngettext(
            "%(count)s implemented", "%(count)s implemented", counts.implemented
        )
        % {"count": counts.implemented},
        "partially": ngettext(
            "%(count)s partially implemented",
            "%(count)s partially implemented",
            counts.partially_implemented,
        )
        % {"count": counts.partially_implemented},
        "not_started": ngettext(
            "%(count)s not started", "%(count)s not started", counts.not_started
        )
        % {"count": counts.not_started},
    }
    return _("%(label)s, %(answered)s (%(by_status)s)") % {
        "label": counts.label,
        "answered": answered,
        "by_status": by_status,
    }


def stacked_bars(
    groups: list[StatusCounts],
    *,
    title: str,
    name: str,
    width: int = 480,
    label_width: int | None = None,
) -> dict:
    """Geometry for one horizontal bar per group, its segments proportional to the counts.

    `title` says what the bars group by ("Answers by report"); the description gives the
    figures of every bar (each bar's own is `description` of the bar). Together they are
    what a screen reader reads out: an HTML page names the drawing by both, a PDF figure
    has one text, `alt`. `name` makes their ids unique on a page that shows several charts.
    """
    bar_height, gap = 11, 4
    if label_width is None:
        # Room for the longest label at the 9-point size ("Tous les rapports"), about
        # five points a character: labels are drawn right-aligned before their bar.
        label_width = max(70, 6 + round(5.2 * max((len(str(g.label)) for g in groups), default=0)))
    bar_width = width - label_width - 75  # room for the answered/total label
    bars = []
    for index, group in enumerate(groups):
        y = index * (bar_height + gap)
        x = label_width
        segments = []
        for row in group.rows():
            length = bar_width * row["share"] if group.total else 0
            if length:
                segments.append(
                    {
                        "x": round(x, 2),
                        # From the start of the bar, for charts that draw each bar alone.
                        "offset": round(x - label_width, 2),
                        "width": round(length, 2),
                        "colour": row["colour"],
                    }
                )
            x += length
        bars.append(
            {
                "label": group.label,
                "y": y,
                "text_y": y + bar_height - 2,
                "segments": segments,
                "total": group.total,
                "answered": group.answered,
                "description": describe_bar(group),
            }
        )
    # A semicolon between bars, whose own descriptions hold commas.
    description = pgettext("list separator", "; ").join(bar["description"] for bar in bars)
    return {
        "name": name,
        "width": width,
        "height": len(groups) * (bar_height + gap),
        "bar_height": bar_height,
        "bar_width": bar_width,
        "label_width": label_width,
        "total_x": label_width + bar_width + 4,
        "bars": bars,
        "legend": [
            {"label": status.label, "colour": STATUS_COLOURS[status]} for status in STATUS_ORDER
        ],
        "title": title,
        "description": description,
        # Translators: the text alternative of a chart in a PDF, e.g. "Answers by report:
        # 2009, 10 of 12 answered (...); 2010, ...".
        "alt": _("%(title)s: %(description)s") % {"title": title, "description": description},
    }
