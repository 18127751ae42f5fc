"""Status counts and their bar charts, drawn as SVG on the server (WeasyPrint runs no script)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import AnswerStatus

# Order of the bars' segments and of every table: done first, not answered last.
STATUS_ORDER = [
    AnswerStatus.IMPLEMENTED,
    AnswerStatus.PARTIALLY_IMPLEMENTED,
    AnswerStatus.NOT_STARTED,
    AnswerStatus.NOT_ANSWERED,
]
# Distinct in lightness as well as hue, so that a grey-scale print still tells them apart.
STATUS_COLOURS = {
    AnswerStatus.IMPLEMENTED: "#1a6e35",
    AnswerStatus.PARTIALLY_IMPLEMENTED: "#e0a526",
    AnswerStatus.NOT_STARTED: "#b3261e",
    AnswerStatus.NOT_ANSWERED: "#d0d4d9",
}


@dataclass
class StatusCounts:
    label: str
    counts: dict  # status value -> number of answers

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def rows(self) -> list[dict]:
        """One row per status: label, count, share of the total and colour."""
        total = self.total or 1
        return [
            {
                "status": status.value,
                "label": status.label,
                "count": self.counts.get(status.value, 0),
                "share": self.counts.get(status.value, 0) / total,
                "colour": STATUS_COLOURS[status],
            }
            for status in STATUS_ORDER
        ]


def empty_counts() -> dict:
    return dict.fromkeys((status.value for status in STATUS_ORDER), 0)


def count_statuses(label: str, statuses) -> StatusCounts:
    counts = empty_counts()
    for status in statuses:
        counts[status] += 1
    return StatusCounts(label=label, counts=counts)


def stacked_bars(groups: list[StatusCounts], *, width: int = 480, label_width: int = 70) -> dict:
    """Geometry for one horizontal bar per group, its segments proportional to the counts."""
    bar_height, gap = 11, 4
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
                    {"x": round(x, 2), "width": round(length, 2), "colour": row["colour"]}
                )
            x += length
        bars.append(
            {
                "label": group.label,
                "y": y,
                "text_y": y + bar_height - 2,
                "segments": segments,
                "total": group.total,
                "answered": group.total - group.counts[AnswerStatus.NOT_ANSWERED.value],
            }
        )
    return {
        "width": width,
        "height": len(groups) * (bar_height + gap),
        "bar_height": bar_height,
        "label_width": label_width,
        "total_x": label_width + bar_width + 4,
        "bars": bars,
        "legend": [
            {"label": status.label, "colour": STATUS_COLOURS[status]} for status in STATUS_ORDER
        ],
        "description": _(
            "Bar chart: for each report, the share of its recommendations implemented, "
            "partially implemented, not started and not answered. The table gives the figures."
        ),
    }
