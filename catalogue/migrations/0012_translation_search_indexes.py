"""On PostgreSQL, a text search configuration per language of the official translations
that has a stemmer, and an index of the translations into it as the search reads them.

Each configuration (`catalogue_french`, `catalogue_spanish`, `catalogue_russian`,
`catalogue_arabic`) is `simple` with the language's Snowball stemmer for its words and
no stop words: PostgreSQL's own configurations leave out lists of common words that
SQLite's search (Python's `snowballstemmer`, the same algorithms) does not have, and
the two databases would find different recommendations for a query holding one. The
query leaves out a short list of its own instead (catalogue/search_languages.py).

Each index is partial (one language's translations) and built from the search's own
expression (`translation_search_vector`), as `0004` is for the English text: a test
checks the planner uses it. SQLite searches with FTS5 in memory and gets nothing here.
"""

from django.db import migrations

from catalogue.search_languages import STEMMED_LANGUAGES

# The parser's tokens that are words; numbers, addresses and the like stay as `simple`
# reads them.
WORD_TOKENS = "asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part"


def index_name(code: str) -> str:
    return f"translation_search_{code}"


def search_indexes():
    from django.contrib.postgres.indexes import GinIndex
    from django.db.models import Q

    from catalogue.search import translation_search_vector

    return [
        GinIndex(
            translation_search_vector(language.config),
            condition=Q(language=code),
            name=index_name(code),
        )
        for code, language in STEMMED_LANGUAGES.items()
    ]


def add_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for language in STEMMED_LANGUAGES.values():
        dictionary = f"{language.config}_stem"
        schema_editor.execute(
            f"CREATE TEXT SEARCH DICTIONARY {dictionary} "
            f"(TEMPLATE = snowball, LANGUAGE = {language.stemmer})"
        )
        schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {language.config} (COPY = simple)")
        schema_editor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {language.config} "
            f"ALTER MAPPING FOR {WORD_TOKENS} WITH {dictionary}"
        )
    model = apps.get_model("catalogue", "RecommendationTranslation")
    for index in search_indexes():
        schema_editor.add_index(model, index)


def remove_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("catalogue", "RecommendationTranslation")
    for index in search_indexes():
        schema_editor.remove_index(model, index)
    for language in STEMMED_LANGUAGES.values():
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION {language.config}")
        schema_editor.execute(f"DROP TEXT SEARCH DICTIONARY {language.config}_stem")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0011_official_translation_imports")]

    operations = [migrations.RunPython(add_search, remove_search, elidable=False)]
