"""What the catalogue search knows of each language of the official translations: its
stemmer, its very common words, and the Arabic letters read as one.

The stemmers are Snowball's: PostgreSQL's text search configurations run them in the
database (`catalogue/0012` makes one per language, without the stop words PostgreSQL's
own configurations leave out), and `snowballstemmer` runs the same algorithms in Python
for SQLite, so that both databases find the same recommendations (PostgreSQL 15 carries
an older Snowball than `snowballstemmer` 3.1: the two may differ on rare words, never on
the cases tests/catalogue/test_search_languages.py pins).
"""

import functools
import threading
from dataclasses import dataclass

import snowballstemmer

# Arabic letters typed for one another, read as one in the text and in the query. The
# vowel signs and the hamza seats (أ إ آ, ؤ ئ) are already folded away with the accents.
# - alef wasla (ٱ) is an alef;
# - alef maksura (ى) is a ya: at the end of a word the two are often typed for each
#   other, and the stemmer reads them as one letter anyway;
# - tatweel (ـ), the stretching of a line, is no letter.
# Ta marbuta (ة) stays itself, not ha (ه): the stemmer removes it as an ending, and as a
# ha "الحماية" and "حماية" would stem apart.
ARABIC_LETTERS = str.maketrans({"ٱ": "ا", "ى": "ي", "ـ": None})


@dataclass(frozen=True)
class SearchLanguage:
    """`stemmer`: Snowball's name for the language's stemmer, None to search whole words.
    `common`: words left out of a query, as "the" and "of" are in English: the
    translations are indexed whole, so only the query leaves them out (phrases keep them).
    """

    stemmer: str | None = None
    common: frozenset[str] = frozenset()

    @property
    def config(self) -> str:
        """PostgreSQL's text search configuration for it (catalogue/0012)."""
        return f"catalogue_{self.stemmer}" if self.stemmer else "simple"


def common_words(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Folded as the query is folded (no accents: "à" is "a").
SEARCH_LANGUAGES = {
    "fr": SearchLanguage(
        "french",
        common_words(
            "a au aux avec ce ces d dans de des du en est et l la le les leur leurs ou or "
            "par pour qu que qui sa se ses son sont sur un une"
        ),
    ),
    "es": SearchLanguage(
        "spanish",
        common_words(
            "a al con de del e el en es la las lo los o para por que se son su sus un una "
            "unas unos y"
        ),
    ),
    "ru": SearchLanguage(
        "russian",
        common_words("а в во для его ее и из или их к ко на не о об от по с со у что это"),
    ),
    "ar": SearchLanguage(
        "arabic",
        common_words("في من الي علي عن مع او و ان التي الذي الذين هذه هذا ذلك تلك ما"),
    ),
    # Chinese is searched by characters (search.py); words in another script, whole.
    "zh-hans": SearchLanguage(),
}
WHOLE_WORDS = SearchLanguage()

STEMMED_LANGUAGES = {
    code: language for code, language in SEARCH_LANGUAGES.items() if language.stemmer
}


def search_language(code: str) -> SearchLanguage:
    return SEARCH_LANGUAGES.get(code, WHOLE_WORDS)


# A Snowball stemmer keeps its state while it works: one per thread.
_STEMMERS = threading.local()


def stem_words(language: SearchLanguage, words: list[str]) -> list[str]:
    """`words` (folded) as the language's stemmer leaves them."""
    if language.stemmer is None:
        return words
    # A word the stemmer would leave empty is left out, as PostgreSQL leaves it out.
    return [stem for stem in (_stem(language.stemmer, word) for word in words) if stem]


# The catalogue's texts repeat their words (the English ones: 900 distinct among 5,700):
# each is stemmed once, not at each occurrence (an index of 432 texts of a language was
# built in 0.3 s, 60 ms so).
@functools.lru_cache(maxsize=100_000)
def _stem(stemmer_name: str, word: str) -> str:
    stemmer = getattr(_STEMMERS, stemmer_name, None)
    if stemmer is None:
        stemmer = snowballstemmer.stemmer(stemmer_name)
        setattr(_STEMMERS, stemmer_name, stemmer)
    return stemmer.stemWord(word)
