"""The filters of the API's lists. A value the API cannot read (a year that is no
number, a language it does not have) is answered 400, naming the parameter; a value that
matches nothing (an addressee or theme it does not know) gives an empty list."""

import django_filters
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from catalogue.search import search_recommendations
from delegations.models import RegionalGroup

from .rows import LANGUAGE_CODES

# A search is a few words or codes; the catalogue page's form takes as much.
MAX_QUERY_LENGTH = 200


class RecommendationFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        field_name="section__report__year", help_text=_("The report's year, e.g. 2013.")
    )
    addressee = django_filters.CharFilter(
        method="filter_addressee", help_text=_("The addressee's code, e.g. MS.")
    )
    theme = django_filters.CharFilter(field_name="themes__slug", help_text=_("The theme's slug."))
    q = django_filters.CharFilter(
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        help_text=_(
            "Words, “a phrase” or codes (2013-MS-04, 2013 MS), searched as the catalogue "
            "page searches: in English and in the official texts of the language `lang`."
        ),
    )
    lang = django_filters.ChoiceFilter(
        choices=[(code, code) for code in LANGUAGE_CODES],
        method="filter_language",
        help_text=_("The language of the search `q` (English by default)."),
    )

    def filter_addressee(self, recommendations, name, value: str):
        return recommendations.for_target(value.strip().upper())

    def filter_language(self, recommendations, name, value: str):
        return recommendations  # read by filter_text

    def filter_text(self, recommendations, name, value: str):
        language = self.form.cleaned_data.get("lang") or "en"
        with translation.override(language):
            return search_recommendations(value, recommendations).recommendations


class SectionFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        field_name="report__year", help_text=_("The report's year, e.g. 2013.")
    )
    addressee = django_filters.CharFilter(
        method="filter_addressee", help_text=_("The addressee's code, e.g. MS.")
    )

    def filter_addressee(self, sections, name, value):
        return sections.filter(target__code=value.strip().upper())


class MemberStateFilter(django_filters.FilterSet):
    regional_group = django_filters.ChoiceFilter(
        choices=[(group.value, group.value) for group in RegionalGroup],
        help_text=_("The regional group's code, e.g. african."),
    )
