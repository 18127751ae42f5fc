"""The fonts of the country report, and the characters they can print.

A stored PDF is never rendered again, so a character that no shipped font has would
print as an empty box for good: `unprintable` finds such characters before anything is
frozen. Every text a country report prints is checked where it is entered
(`validate_printable`: answers, file names, the names of people, States and cycles,
the catalogue's texts and translations), and the submit checks the whole snapshot
again. The report's font stack names these fonts only (static/fonts/README.md says
where each comes from).
"""

import functools
import re
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FONTS_DIR = Path(settings.BASE_DIR) / "static" / "fonts"

# Characters a text may hold that are never drawn, so no font needs them: line ends and
# tabs, and the invisible format characters that shape text (joiners for Arabic and
# emoji, bidirectional marks, variation selectors for CJK names, the soft hyphen).
_INVISIBLE_RANGES = [
    (0x09, 0x0A),
    (0x0D, 0x0D),
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xE0100, 0xE01EF),
]

# Never printable, whatever a font maps: controls, private use (its glyphs mean
# whatever one font decided), surrogates and unassigned code points.
_NEVER = {"Cc", "Co", "Cs", "Cn"}


def cjk_font_path() -> Path | None:
    """Noto Sans CJK (Chinese, Japanese, Korean), installed from PyPI with the
    requirements: too large to keep in the repository (static/fonts/README.md)."""
    try:
        from noto_cjk_sans_otc import FONT_PATH
    except ImportError:
        return None
    path = Path(str(FONT_PATH))
    return path if path.is_file() else None


def shipped_fonts() -> list[Path]:
    fonts = sorted(FONTS_DIR.glob("*.ttf"))
    cjk = cjk_font_path()
    return [*fonts, cjk] if cjk else fonts


@functools.cache
def printable() -> frozenset[str]:
    """Every character some shipped font has a glyph for, plus the invisible ones.

    Read once per process, in about 0.1 s.
    """
    from fontTools.ttLib import TTCollection, TTFont

    codepoints: set[int] = set()
    for path in shipped_fonts():
        if path.suffix.lower() in {".ttc", ".otc"}:
            # The faces of the CJK collection (JP, KR, SC, TC, HK, and Mono) map the
            # same characters, to regional glyphs: the first one's map is every one's.
            with TTCollection(path, lazy=True) as collection:
                codepoints.update(collection.fonts[0].getBestCmap() or {})
        else:
            with TTFont(path, lazy=True) as face:
                codepoints.update(face.getBestCmap() or {})
    for first, last in _INVISIBLE_RANGES:
        codepoints.update(range(first, last + 1))
    return frozenset(
        chr(point)
        for point in codepoints
        if point in (0x09, 0x0A, 0x0D) or unicodedata.category(chr(point)) not in _NEVER
    )


@functools.cache
def _unprintable_re() -> re.Pattern:
    """One character outside `printable()`: the regular expression scans a text in C, a
    dozen times faster than building the set of its characters."""
    points = sorted(ord(character) for character in printable())
    ranges, first, last = [], points[0], points[0]
    for point in points[1:]:
        if point != last + 1:
            ranges.append((first, last))
            first = point
        last = point
    ranges.append((first, last))
    return re.compile(
        "[^"
        + "".join(
            re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
            for a, b in ranges
        )
        + "]"
    )


# Every shipped font prints ASCII: an ASCII text needs no font read, only this.
_UNPRINTABLE_ASCII_RE = re.compile("[^\t\n\r\x20-\x7e]")


def unprintable(text: str) -> list[str]:
    """The characters of `text` that the report cannot print, each once, in code order."""
    pattern = _UNPRINTABLE_ASCII_RE if text.isascii() else _unprintable_re()
    if pattern.search(text) is None:
        return []
    return sorted(set(pattern.findall(text)))


def code_points(characters: list[str]) -> str:
    """'U+E000, U+10000': characters that cannot be shown, named so they can be found."""
    return ", ".join(f"U+{ord(character):04X}" for character in characters)


def validate_printable(text: str) -> None:
    """Refuse `text` if the country report cannot print every character of it; a
    validator of the model fields whose text a report prints."""
    characters = unprintable(text)
    if characters:
        raise ValidationError(
            _(
                "This text contains characters the country report cannot print: "
                "%(characters)s. Remove them or replace them with ordinary text."
            ),
            params={"characters": code_points(characters)},
            code="unprintable",
        )
