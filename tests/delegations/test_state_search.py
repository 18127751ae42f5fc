"""Admin searches of State names ignore accents and apostrophes."""

import pytest
from django.urls import reverse

from assessments.services.lifecycle import assessment_start
from delegations.models import MemberState, RegionalGroup
from delegations.state_search import member_states_named
from tests.assessments.conftest import catalogue, cycle  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def states(db):
    return [
        MemberState.objects.create(name=name, iso3=iso3, regional_group=RegionalGroup.AFRICAN)
        for name, iso3 in [("Côte d’Ivoire", "CIV"), ("Türkiye", "TUR"), ("Tuvalu", "TUV")]
    ]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("cote", ["CIV"]),
        ("COTE D'IVOIRE", ["CIV"]),
        ("cote divoire", ["CIV"]),
        ("cote ivoire", ["CIV"]),
        ("ivoire  COTE", ["CIV"]),
        ("cote tuvalu", []),
        ("turkiye", ["TUR"]),
        ("Türkiye", ["TUR"]),
        ("tu", ["TUR", "TUV"]),
        ("atlantis", []),
        ("   ", []),
    ],
)
def test_state_names_match_without_accents_or_apostrophes(states, term, expected):
    found = MemberState.objects.filter(pk__in=member_states_named(term)).order_by("iso3")
    assert [state.iso3 for state in found] == expected


def test_the_admin_lists_find_states_without_accents(
    client,
    secretariat,
    states,
    cycle,  # noqa: F811 (a fixture imported above)
):
    for state in states:
        assessment_start(member_state=state, cycle=cycle, started_by=secretariat)
    client.force_login(secretariat)

    members = client.get(reverse("admin:delegations_memberstate_changelist"), {"q": "turkiye"})
    assessments = client.get(reverse("admin:assessments_assessment_changelist"), {"q": "cote"})

    assert [state.iso3 for state in members.context["cl"].result_list] == ["TUR"]
    assert [a.member_state.iso3 for a in assessments.context["cl"].result_list] == ["CIV"]
    # The ISO code is still searched as before.
    by_code = client.get(reverse("admin:delegations_memberstate_changelist"), {"q": "TUV"})
    assert [state.iso3 for state in by_code.context["cl"].result_list] == ["TUV"]
