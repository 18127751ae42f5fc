"""The shapes the public API answers with, which its OpenAPI schema describes.

The rows are built as plain data by `rows.py` (a few queries for a whole list, no model
instances), already in these shapes, and each row is encoded to JSON once per catalogue
version: no answer of the catalogue's API passes through a serializer. Read field by
field, DRF's serializers took a quarter of a list's time (some 8,000 field reads for 50
recommendations). So these serializers only declare the fields, for the schema;
tests/opendata/api/test_endpoints.py holds every answer to the declared fields, and the
schema tests validate every answer against the schema. A field's help text is the
schema's description of it, in the language the schema is asked in.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from . import schema  # noqa: F401 (registers the schema of InLanguagesField)


class InLanguagesField(serializers.Field):
    """A text in each of the six languages: {"ar": {"text": ..., "english_fallback":
    false}, ...}, built whole by rows.py."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)


class Declared(serializers.Serializer):
    """The shape of a row built by rows.py, declared for the schema."""


URL_HELP = _("The address of this object in the API.")
PAGE_HELP = _("The address of its page on the site.")


class ReportReference(serializers.Serializer):
    year = serializers.IntegerField()
    symbol = serializers.CharField()
    url = serializers.URLField(help_text=URL_HELP)


class YearReference(serializers.Serializer):
    year = serializers.IntegerField()
    url = serializers.URLField(help_text=URL_HELP)


class AddresseeReference(serializers.Serializer):
    code = serializers.CharField(help_text=_("The addressee's code, e.g. MS."))
    url = serializers.URLField(help_text=URL_HELP)


class ThemeReference(serializers.Serializer):
    slug = serializers.CharField()
    url = serializers.URLField(help_text=URL_HELP)


class RecommendationSerializer(Declared):
    code = serializers.CharField(help_text=_("The stable code people cite, e.g. 2013-MS-04."))
    url = serializers.URLField(help_text=URL_HELP)
    page = serializers.URLField(help_text=PAGE_HELP)
    report = ReportReference()
    addressee = AddresseeReference()
    position = serializers.IntegerField(
        help_text=_("Its place among the report's recommendations to that addressee.")
    )
    paragraphs = serializers.CharField(
        help_text=_(
            "The paragraphs of the report that the recommendations to that addressee take up."
        )
    )
    place = serializers.CharField(
        help_text=_("The paragraph that makes this recommendation, where known, e.g. 17(b).")
    )
    texts = InLanguagesField(help_text=_("The text in each official language."))
    themes = ThemeReference(many=True)


class SectionSerializer(Declared):
    code = serializers.CharField(
        help_text=_("The report's year and the addressee's code, e.g. 2013-MS.")
    )
    url = serializers.URLField(help_text=URL_HELP)
    page = serializers.URLField(help_text=PAGE_HELP)
    report = YearReference()
    addressee = AddresseeReference()
    paragraphs = serializers.CharField()
    recommendation_count = serializers.IntegerField()
    recommendations = serializers.ListField(
        child=serializers.CharField(), help_text=_("The codes of its recommendations, in order.")
    )


class ReportSectionSerializer(SectionSerializer):
    recommendations = None


class ReportSerializer(Declared):
    year = serializers.IntegerField()
    url = serializers.URLField(help_text=URL_HELP)
    page = serializers.URLField(help_text=PAGE_HELP)
    number = serializers.IntegerField()
    symbol = serializers.CharField(help_text=_("The document symbol, e.g. A/65/877-S/2011/393."))
    document_url = serializers.URLField(help_text=_("The official document."))
    titles = InLanguagesField()
    focus = InLanguagesField()
    recommendation_count = serializers.IntegerField()
    recommendations = serializers.URLField(help_text=_("The list of its recommendations."))
    sections = ReportSectionSerializer(many=True)


class AddresseeSerializer(Declared):
    code = serializers.CharField()
    url = serializers.URLField(help_text=URL_HELP)
    page = serializers.URLField(help_text=PAGE_HELP)
    position = serializers.IntegerField()
    names = InLanguagesField()
    recommendation_count = serializers.IntegerField()
    recommendations = serializers.URLField(help_text=_("The list of its recommendations."))


class ThemeSerializer(Declared):
    slug = serializers.CharField()
    url = serializers.URLField(help_text=URL_HELP)
    page = serializers.URLField(help_text=PAGE_HELP)
    position = serializers.IntegerField()
    names = InLanguagesField()
    descriptions = InLanguagesField()
    recommendation_count = serializers.IntegerField()
    recommendations = serializers.ListField(
        child=serializers.CharField(), help_text=_("The codes of its recommendations, in order.")
    )


class RegionalGroupSerializer(serializers.Serializer):
    code = serializers.CharField()
    names = InLanguagesField()


class MemberStateSerializer(Declared):
    iso3 = serializers.CharField(help_text=_("The ISO 3166 alpha-3 code, e.g. NOR."))
    url = serializers.URLField(help_text=URL_HELP)
    names = InLanguagesField(help_text=_("The United Nations short name in each language."))
    regional_group = RegionalGroupSerializer()


class CycleSerializer(Declared):
    code = serializers.CharField()
    url = serializers.URLField(help_text=URL_HELP)
    page = serializers.URLField(help_text=_("The cycle on the page of published assessments."))
    names = InLanguagesField()
    deadline = serializers.DateField()
    is_open = serializers.BooleanField()
    reports = YearReference(many=True, help_text=_("The reports whose recommendations it covers."))
