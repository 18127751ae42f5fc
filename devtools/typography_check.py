"""The rules of the translated catalogues that a UN reviser asked for, checked in CI with
the rest of `manage.py i18n_check` (translation_check.py):

- French: a non-breaking space (U+00A0 or the narrow U+202F) before `: ; ? !` and inside
  « », as the French typography of UN documents has it;
- Chinese: no space between a placeholder or a number and the Chinese text around it
  ("已于%(date)s接受", "2009–2024年");
- Arabic: the zero, one and two plural forms say the number in words ("لا توجد توصيات",
  "توصية واحدة", "توصيتان"), without the figure.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import polib

PLACEHOLDER = re.compile(r"%\((?P<name>\w+)\)[sdif]|%[sdif]|\{\w*\}")
# A placeholder or a number: what a Chinese text must not pad with spaces.
PLACEHOLDER_OR_NUMBER = r"(%\(\w+\)[sdif]|%[sdif]|\{\w*\}|\d+)"
# A header as a client types it ("Authorization: Api-Key <key>"), quoted in a sentence.
HTTP_HEADER = re.compile(r"\b(?:Authorization|If-None-Match|If-Modified-Since|Retry-After): ")
URL = re.compile(r"\b\w+://\S*")
HTML_TAG = re.compile(r"<[a-zA-Z/][^>]*>")
NON_BREAKING = "\u00a0\u202f"

# Chinese characters and the full-width punctuation written with them.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

# A figure shown as a figure, not as a word of the sentence: after a label and a colon
# ("منفذة: %(count)s", a chart's legend) or in brackets ("(%(counter)s)").
FIGURE_SHOWN = re.compile(r"(:\s*|\()$")

# The count that chooses an Arabic plural form, by the names our strings give it.
COUNT_NAMES = ("count", "counter", "total")


def entry_problems(language: str, entry: polib.POEntry) -> Iterator[str]:
    """What breaks the rules of `language` in one catalogue entry."""
    texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
    if language == "fr":
        for text in texts:
            yield from french_problems(text)
    elif language.startswith("zh"):
        for text in texts:
            yield from chinese_problems(text)
    elif language == "ar" and entry.msgid_plural:
        yield from arabic_plural_problems(entry)


def french_problems(text: str) -> Iterator[str]:
    # Addresses, tags, placeholders and HTTP headers keep their own colons and question marks.
    text = PLACEHOLDER.sub("X", HTML_TAG.sub(" ", URL.sub("X", HTTP_HEADER.sub("X", text))))
    for match in re.finditer(r"[;:?!]", text):
        start = match.start()
        before = text[start - 1] if start else ""
        after = text[start + 1 : start + 2]
        if match.group() == ":" and before.isdigit() and after.isdigit():
            continue  # a time of day, 10:30
        if start and before not in NON_BREAKING:
            yield f"no non-breaking space before {match.group()!r}: {_near(text, start, start + 1)}"
    for match in re.finditer("«", text):
        if text[match.end() : match.end() + 1] not in NON_BREAKING:
            yield f"no non-breaking space after '«': {_near(text, *match.span())}"
    for match in re.finditer("»", text):
        if not match.start() or text[match.start() - 1] not in NON_BREAKING:
            yield f"no non-breaking space before '»': {_near(text, *match.span())}"


def chinese_problems(text: str) -> Iterator[str]:
    for match in re.finditer(PLACEHOLDER_OR_NUMBER + " ", text):
        if CJK.match(text, match.end()):
            yield f"a space between {match.group(1)!r} and Chinese: {_near(text, *match.span())}"
    for match in re.finditer(" " + PLACEHOLDER_OR_NUMBER, text):
        if match.start() and CJK.match(text, match.start() - 1):
            yield f"a space between Chinese and {match.group(1)!r}: {_near(text, *match.span())}"


def arabic_plural_problems(entry: polib.POEntry) -> Iterator[str]:
    count = count_placeholder(entry.msgid_plural)
    if count is None:
        return
    for form in (0, 1, 2):
        text = entry.msgstr_plural.get(form, "")
        for match in re.finditer(re.escape(count), text):
            if not FIGURE_SHOWN.search(text[: match.start()]):
                yield (
                    f"plural form {form} repeats the number {count} (say it in words): {text[:60]}"
                )
                break


def count_placeholder(text: str) -> str | None:
    """The placeholder holding the count that chooses the plural form: the only one, or
    the one our strings name as a count."""
    found = {match.group("name"): match.group() for match in PLACEHOLDER.finditer(text)}
    found = {name: placeholder for name, placeholder in found.items() if name}
    if len(found) == 1:
        return next(iter(found.values()))
    for name in COUNT_NAMES:
        if name in found:
            return found[name]
    return None


def _near(text: str, start: int, end: int) -> str:
    """Where in `text` the problem is, with ten characters either side."""
    return repr(text[max(0, start - 10) : end + 10])


# `{% translate "Status" %}:` prints "Statut:" in French: the colon belongs inside the
# translation, where each language gives it its own spacing ("Statut :", "状态：").
PUNCTUATION_AFTER_TRANSLATION = re.compile(r"{%\s*(?:translate|trans)\b[^%]*%}[:;?!]")


def punctuation_after_translation(path: Path) -> Iterator[str]:
    """`path:line: …` for each translated string of a template followed by its own
    punctuation, outside the translation."""
    source = path.read_text(encoding="utf-8")
    for match in PUNCTUATION_AFTER_TRANSLATION.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        yield f"{path}:{line}: punctuation outside the translation: {match.group()}"
