"""The place of a recommendation in its report: `17`, `17(b)` or `17.2`."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PLACE_RE = re.compile(
    r"^(?P<paragraph>[1-9][0-9]{0,2})(?:\((?P<letter>[a-z])\)|\.(?P<sentence>[1-9][0-9]?))?$"
)


@dataclass(frozen=True)
class Place:
    paragraph: int
    # 1-based: the n-th lettered sub-paragraph ((a) is 1), or the n-th sentence.
    subparagraph: int | None = None
    sentence: int | None = None


def parse_place(value: str) -> Place | None:
    match = PLACE_RE.match(value.strip())
    if match is None:
        return None
    return Place(
        paragraph=int(match["paragraph"]),
        subparagraph=ord(match["letter"]) - ord("a") + 1 if match["letter"] else None,
        sentence=int(match["sentence"]) if match["sentence"] else None,
    )


def validate_place(value: str) -> None:
    if value and parse_place(value) is None:
        raise ValidationError(
            _("Write the place as 17, 17(b) or 17.2 (paragraph, sub-paragraph or sentence)."),
            code="invalid_place",
        )
