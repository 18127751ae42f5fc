"""State names in the UN languages from the Unicode CLDR, read through Babel.

The CLDR names territories by their ISO 3166 alpha-2 code; the fixture gives alpha-3.
The CLDR's own alias table maps each alpha-3 code to its alpha-2 code (Babel's
`territory_aliases`), so no second table is kept that could drift from the names.
Plain functions, no models: the data migration that fills the names uses them too.
"""

import functools

from babel import Locale
from babel.core import get_global

# The CLDR locales of the six languages (NameLanguage); English only to know the codes.
CLDR_LOCALES = {"ar": "ar", "es": "es", "fr": "fr", "ru": "ru", "zh": "zh_Hans", "en": "en"}


def iso2(iso3: str) -> str | None:
    """The alpha-2 code of an alpha-3 one, or None if the CLDR knows no single one."""
    aliases = get_global("territory_aliases").get(iso3.upper(), [])
    # Codes of no territory lead to ZZ, the CLDR's "Unknown Region", or to a code left
    # for private use (QQQ -> QQ) that no locale names.
    if len(aliases) == 1 and aliases[0] != "ZZ" and aliases[0] in _territories("en"):
        return aliases[0]
    return None


@functools.cache
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(CLDR_LOCALES[language]).territories)


def cldr_name(iso3: str, language: str) -> str:
    """The CLDR's name of the State in `language` (a NameLanguage), "" if it has none."""
    code = iso2(iso3)
    return _territories(language).get(code, "") if code else ""


def cldr_names(iso3: str) -> dict[str, str]:
    """The CLDR's names of the State in the five languages, "" where it has none; English
    is the UN's, from the fixture."""
    return {language: cldr_name(iso3, language) for language in CLDR_LOCALES if language != "en"}
