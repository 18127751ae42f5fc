"""Answers counted by status: the one shape behind progress, the admin list, the overview,
the charts and the PDF summary, built from a query, an annotated object or a snapshot."""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from django.db.models import Count, Q

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
# The not-answered status is the empty string, which cannot name a field or an annotation.
FIELDS = {
    AnswerStatus.IMPLEMENTED: "implemented",
    AnswerStatus.PARTIALLY_IMPLEMENTED: "partially_implemented",
    AnswerStatus.NOT_STARTED: "not_started",
    AnswerStatus.NOT_ANSWERED: "not_answered",
}


@dataclass(frozen=True)
class StatusCounts:
    implemented: int = 0
    partially_implemented: int = 0
    not_started: int = 0
    not_answered: int = 0
    label: str = ""  # what a table row or a chart bar is called

    @staticmethod
    def expressions(path: str = "pk") -> dict:
        """Count expressions named like the fields, over `path` (the answers, seen from
        where we count): `.annotate(**StatusCounts.expressions())`."""
        status = "status" if path == "pk" else f"{path}__status"
        return {name: Count(path, filter=Q(**{status: value})) for value, name in FIELDS.items()}

    @classmethod
    def of_row(cls, row: Mapping, label: str = "") -> "StatusCounts":
        """From a `values()` row annotated with `expressions()`; a missing row counts zero."""
        return cls(**{name: row.get(name, 0) for name in FIELDS.values()}, label=label)

    @classmethod
    def of_annotated(cls, obj, label: str = "") -> "StatusCounts":
        """From an object whose queryset was annotated with `expressions()`."""
        return cls(**{name: getattr(obj, name) for name in FIELDS.values()}, label=label)

    @classmethod
    def of_statuses(cls, statuses: Iterable[str], label: str = "") -> "StatusCounts":
        """From status codes one by one, as a snapshot holds them."""
        counted = Counter(statuses)
        unknown = set(counted) - set(AnswerStatus.values)
        if unknown:
            raise ValueError(f"Unknown answer statuses: {sorted(unknown)}")
        return cls(**{name: counted[value] for value, name in FIELDS.items()}, label=label)

    @classmethod
    def combined(cls, parts: Iterable["StatusCounts"], label: str = "") -> "StatusCounts":
        parts = list(parts)
        return cls(
            **{name: sum(getattr(part, name) for part in parts) for name in FIELDS.values()},
            label=label,
        )

    def labelled(self, label: str) -> "StatusCounts":
        return replace(self, label=label)

    def of(self, status) -> int:
        return getattr(self, FIELDS[AnswerStatus(status)])

    @property
    def counts(self) -> dict:
        """Status code -> number of answers, in STATUS_ORDER."""
        return {status.value: self.of(status) for status in STATUS_ORDER}

    @property
    def answered(self) -> int:
        return self.implemented + self.partially_implemented + self.not_started

    @property
    def total(self) -> int:
        return self.answered + self.not_answered

    @property
    def percent(self) -> int:
        """Share answered, in whole percent."""
        return round(100 * self.answered / self.total) if self.total else 0

    def rows(self) -> list[dict]:
        """One row per status, in STATUS_ORDER: label, count, share of the total, colour."""
        total = self.total or 1
        return [
            {
                "status": status.value,
                "label": status.label,
                "count": self.of(status),
                "share": self.of(status) / total,
                "colour": STATUS_COLOURS[status],
            }
            for status in STATUS_ORDER
        ]
