"""Which UN language a document is written in, from its letters and, for the languages
in Latin script, its commonest short words: enough to refuse a document uploaded
under the wrong language, not a general language detector."""

import re
from collections import Counter

SCRIPTS = {
    "ar": re.compile("[\u0621-\u064a]"),
    "zh-hans": re.compile("[\u4e00-\u9fff]"),
    "ru": re.compile("[\u0400-\u04ff]"),
}
LATIN_RE = re.compile(r"[A-Za-zÀ-ÿ]")
WORD_RE = re.compile(r"[a-zà-ÿ]+")
# Words frequent in one of the three and rare in the others.
LATIN_WORDS = {
    "en": {"the", "and", "of", "to", "is", "that", "with"},
    "fr": {"le", "les", "des", "et", "du", "est", "aux", "une"},
    "es": {"el", "los", "las", "y", "del", "que", "una", "para"},
}


def guess_language(text: str) -> str:
    letters = {code: len(pattern.findall(text)) for code, pattern in SCRIPTS.items()}
    latin = len(LATIN_RE.findall(text))
    script, count = max(letters.items(), key=lambda item: item[1])
    # Symbols and names in Latin letters sit in documents of every script.
    if count >= latin / 4 and count > 0:
        return script
    words = Counter(WORD_RE.findall(text.lower()))
    scores = {code: sum(words[word] for word in common) for code, common in LATIN_WORDS.items()}
    return max(scores.items(), key=lambda item: item[1])[0]
