"""The translation check run in CI (`manage.py i18n_check`, `make i18n-check`).

Four kinds of problem, each reported as `file:line: what`:
- a catalogue of a language other than English missing, or with an untranslated or
  fuzzy entry;
- a translation against the typography of its language (typography_check.py);
- a catalogue out of date: an entry the source no longer has, or a string the source
  marks that the catalogue lacks (found by running `makemessages` into a temporary
  directory and comparing msgids);
- template text not marked for translation.
"""

import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.template.base import Lexer, TokenType
from django.test import override_settings
from django.utils.translation import to_locale

from devtools.typography_check import entry_problems, punctuation_after_translation

# What `makemessages` leaves out, here and in `make messages`: tests and development
# tools are never shown to users, vendored files carry their own texts.
MAKEMESSAGES_IGNORE = ("tests", "devtools", "node_modules", "static/vendor", "docs", "benchmarks")

# Words that are the same in every language, so a template may show them unmarked.
# Add one only for a name, an acronym or a code, never for an English word.
UNTRANSLATABLE_WORDS = frozenset(
    {"R2P", "PDF", "UTC", "SHA-256", "CSV", "JSON", "XLSX", "HTTPS", "EN"}
)

# Attributes whose values a browser shows or reads aloud.
VISIBLE_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label", "aria-description")

TRANSLATE_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
SKIPPED_BLOCKS = {**TRANSLATE_BLOCKS, "comment": "endcomment"}
# A tag's place in the reassembled text: no word can run across it.
TAG_MARK = "\x00"

HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
HTML_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
ATTRIBUTE = re.compile(
    r"\s(" + "|".join(VISIBLE_ATTRIBUTES) + r")\s*=\s*([\"'])(.*?)\2", re.DOTALL | re.IGNORECASE
)
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
WORD = re.compile(r"[\w'’-]+")
LETTER = re.compile(r"[^\W\d_]")


def problems() -> list[str]:
    """Every problem of the catalogues and templates, as `file:line: what`."""
    template_problems = [
        problem
        for path in template_files()
        for problem in [*unmarked_template_text(path), *punctuation_after_translation(path)]
    ]
    return catalogue_problems() + template_problems


def catalogue_languages() -> list[str]:
    """The locale names (`zh_Hans`) of the languages translated from English."""
    return [to_locale(code) for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue_problems(locale_dir: Path | None = None) -> list[str]:
    locale_dir = locale_dir or Path(settings.LOCALE_PATHS[0])
    template = source_messages()
    found = []
    for language in catalogue_languages():
        path = locale_dir / language / "LC_MESSAGES" / "django.po"
        if not path.exists():
            found.append(f"{relative(path)}: missing catalogue")
            continue
        found += po_problems(path, template)
    return found


def po_problems(path: Path, template: polib.POFile | None = None) -> list[str]:
    """Untranslated, fuzzy and obsolete entries and typography; with a template, also
    missing ones."""
    catalogue = polib.pofile(str(path))
    name = relative(path)
    language = path.parent.parent.name  # locale/<language>/LC_MESSAGES/django.po
    found = []
    if catalogue.metadata_is_fuzzy:
        found.append(f"{name}:1: the header is marked fuzzy")
    for entry in catalogue:
        if entry.obsolete:
            found.append(f"{name}:{entry.linenum}: obsolete entry {entry.msgid!r}")
        elif entry.fuzzy:
            found.append(f"{name}:{entry.linenum}: fuzzy entry {entry.msgid!r}")
        elif not entry.translated():
            found.append(f"{name}:{entry.linenum}: untranslated entry {entry.msgid!r}")
        else:
            found += [
                f"{name}:{entry.linenum}: {problem}" for problem in entry_problems(language, entry)
            ]
    if template is None:
        return found
    have = {message_key(entry) for entry in catalogue if not entry.obsolete}
    wanted = {message_key(entry): entry for entry in template}
    for entry in catalogue:
        if not entry.obsolete and message_key(entry) not in wanted:
            found.append(f"{name}:{entry.linenum}: no longer in the source {entry.msgid!r}")
    for key, entry in wanted.items():
        if key not in have:
            where = " ".join(f"{file}:{line}" for file, line in entry.occurrences)
            found.append(f"{name}: missing entry {entry.msgid!r} (used at {where})")
    return found


def message_key(entry: polib.POEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def source_messages() -> polib.POFile:
    """What `makemessages` extracts from the source today.

    It runs in a temporary directory of links to the project's files, so that neither
    the committed catalogues nor the locale directory are touched or read.
    """
    base = Path(settings.BASE_DIR)
    with tempfile.TemporaryDirectory() as temporary:
        source, output = Path(temporary, "source"), Path(temporary, "locale")
        source.mkdir()
        for entry in base.iterdir():
            if not entry.name.startswith(".") and entry.name != "locale":
                (source / entry.name).symlink_to(entry)
        cwd = os.getcwd()
        os.chdir(source)
        try:
            with override_settings(LOCALE_PATHS=[str(output)]):
                call_command(
                    "makemessages",
                    locale=["en"],
                    keep_pot=True,
                    symlinks=True,
                    ignore_patterns=list(
                        MAKEMESSAGES_IGNORE
                    ),  # makemessages extends the list it is given
                    verbosity=0,
                )
        finally:
            os.chdir(cwd)
        return polib.pofile(str(output / "django.pot"))


def template_files() -> Iterator[Path]:
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(directory).rglob("*")):
            if path.is_file() and path.suffix in {".html", ".txt", ".svg", ".xml"}:
                yield path


def unmarked_template_text(path: Path) -> list[str]:
    name = relative(path)
    return [
        f"{name}:{line}: text not marked for translation: {' '.join(words)}"
        for line, words in unmarked_words(path.read_text(encoding="utf-8"))
    ]


def unmarked_words(source: str) -> Iterator[tuple[int, list[str]]]:
    """(line, words) of the template's text outside translation tags, per line."""
    text = template_text(source)
    lines: dict[int, list[str]] = {}
    for position, word in visible_words(text):
        lines.setdefault(text.count("\n", 0, position) + 1, []).append(word)
    yield from sorted(lines.items())


def template_text(source: str) -> str:
    """The template's literal text, tags replaced by a mark, same lines as the source.

    Text inside {% blocktranslate %} and {% comment %} is dropped, keeping its line breaks.
    """
    parts = []
    closing = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT:
            parts.append("\n" * token.contents.count("\n") if closing else token.contents)
            continue
        parts.append(TAG_MARK)
        if token.token_type != TokenType.BLOCK:
            continue
        tag = token.contents.split()[0] if token.contents.split() else ""
        if closing is None and tag in SKIPPED_BLOCKS:
            closing = SKIPPED_BLOCKS[tag]
        elif tag == closing:
            closing = None
    return "".join(parts)


def visible_words(text: str) -> Iterator[tuple[int, str]]:
    """(offset, word) of every word a reader would see, but for the allowed ones."""
    text = blank(HTML_COMMENT, blank(SCRIPT_OR_STYLE, text))
    for tag in HTML_TAG.finditer(text):
        for attribute in ATTRIBUTE.finditer(tag.group()):
            yield from words(attribute.group(3), tag.start() + attribute.start(3))
    yield from words(blank(ENTITY, blank(HTML_TAG, text)), 0)


def words(text: str, offset: int) -> Iterable[tuple[int, str]]:
    for match in WORD.finditer(text):
        word = match.group().strip("'’-")
        if LETTER.search(word) and word not in UNTRANSLATABLE_WORDS:
            yield offset + match.start(), word


def blank(pattern: re.Pattern, text: str) -> str:
    """The text with the pattern's matches blanked out, its length and lines kept."""
    return pattern.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), text)


def relative(path: Path) -> str:
    try:
        return str(path.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)
