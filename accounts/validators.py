"""What a person's name may hold."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Never in a name: controls (line breaks, tabs), invisible format characters (the
# bidirectional overrides that make a name read backwards, soft hyphens, byte order
# marks) and the line and paragraph separators.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
# Save the two joiners, which are part of how names are spelt in several scripts: the
# zero width non-joiner in Persian names (the "-zadeh" of حسین‌زاده), the zero width
# joiner in Sinhala and other Indic conjuncts (ශ්‍රී). They draw nothing and reorder
# nothing, so they cannot disguise a name.
NAME_JOINERS = frozenset({"\u200c", "\u200d"})


def refused_in_name(name: str) -> list[str]:
    """The characters of `name` that a name may not hold, each once, in code order."""
    return sorted(
        {
            character
            for character in name
            if character not in NAME_JOINERS
            and unicodedata.category(character) in REFUSED_CATEGORIES
        }
    )


def validate_person_name(value: str) -> None:
    refused = refused_in_name(value)
    if refused:
        raise ValidationError(
            _(
                "A name cannot contain line breaks, tabs or invisible formatting "
                "characters (here: %(characters)s). Type it again without them."
            ),
            code="invisible_character",
            params={"characters": ", ".join(f"U+{ord(c):04X}" for c in refused)},
        )
