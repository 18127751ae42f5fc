"""Admin searches of State names that ignore accents and apostrophes: "cote" finds
Côte d’Ivoire, "turkiye" finds Türkiye; a name in any of the six languages finds the
State ("挪威", "Норвегия", "النرويج").

The 193 names are folded in Python (catalogue.search.fold) rather than in SQL: one
small query, the same on SQLite and PostgreSQL, and no extension or extra column.
"""

from django.db.models import Q

from catalogue.search import fold

from .models import MemberState, NameLanguage, name_field

NAME_FIELDS = [name_field(language) for language in NameLanguage.values]


def member_states_named(term: str) -> list[int]:
    """The States one of whose names contains every word of `term`, accents, apostrophes
    and case aside, as the admin's own search wants every word ("cote ivoire")."""
    words = fold(term).split()
    if not words:
        return []
    return [
        pk
        for pk, *names in MemberState.objects.values_list("pk", *NAME_FIELDS)
        if any(all(word in fold(name) for word in words) for name in names)
    ]


class StateNameSearch:
    """An admin mixin: the rows of the States named by the search term are found too.

    `state_path` leads from the admin's model to its MemberState ("pk" for the States).
    """

    state_path = "member_state"

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        states = member_states_named(search_term)
        if states:
            found = queryset.filter(
                Q(pk__in=found.values("pk")) | Q(**{f"{self.state_path}__in": states})
            )
        return found, may_have_duplicates
