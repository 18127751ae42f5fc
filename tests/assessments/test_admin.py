"""The secretariat opens cycles and manages delegations in the admin."""

import pytest
from django.urls import reverse

from assessments.models import Cycle
from delegations.models import Member

pytestmark = pytest.mark.django_db


def add_cycle(client, catalogue, *, name="2027 debate", french_name=None):
    """The cycle admin's add form, posted: the 2027 cycle covering the catalogue's
    reports, named in French too if `french_name`."""
    translations = (
        {"translations-0-language": "fr", "translations-0-name": french_name} if french_name else {}
    )
    return client.post(
        reverse("admin:assessments_cycle_add"),
        {
            "code": "2027",
            "name": name,
            "deadline": "2027-06-30",
            "is_open": "on",
            "reports": [report.pk for report in catalogue],
            "translations-TOTAL_FORMS": str(len(translations) // 2),
            "translations-INITIAL_FORMS": "0",
            **translations,
        },
    )


def test_secretariat_opens_a_new_cycle_covering_chosen_reports(client, secretariat, catalogue):
    client.force_login(secretariat)
    response = add_cycle(client, catalogue, french_name="Débat de 2027")
    assert response.status_code == 302
    cycle = Cycle.objects.get(code="2027")
    assert sorted(cycle.reports.values_list("year", flat=True)) == [2013, 2014]
    assert list(cycle.translations.values_list("language", "name")) == [("fr", "Débat de 2027")]


def test_a_cycle_name_the_country_report_cannot_print_is_refused(client, secretariat, catalogue):
    client.force_login(secretariat)
    response = add_cycle(client, catalogue, name="2027 debate \U0001f600")
    assert response.status_code == 200
    assert "characters the country report cannot print: U+1F600" in response.content.decode()
    assert not Cycle.objects.filter(code="2027").exists()


def test_a_cycle_translation_the_report_cannot_print_is_refused_with_the_cycle(
    client, secretariat, catalogue
):
    client.force_login(secretariat)
    response = add_cycle(client, catalogue, french_name="Débat \U0001f600")
    assert response.status_code == 200
    assert "U+1F600" in response.content.decode()
    assert not Cycle.objects.filter(code="2027").exists()


def test_secretariat_adds_a_user_to_a_delegation(client, secretariat, norway, django_user_model):
    user = django_user_model.objects.create_user("ola", password="pw-ola")
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:delegations_member_add"),
        {"user": user.pk, "member_state": norway.pk, "role": "editor"},
    )
    assert response.status_code == 302
    assert Member.objects.get(user=user).member_state == norway


def test_user_list_shows_each_users_delegation(client, secretariat, focal_point_norway):
    client.force_login(secretariat)
    page = client.get(reverse("admin:accounts_user_changelist"))
    assert page.status_code == 200
    assert "Norway" in page.content.decode()


def test_delegates_cannot_reach_the_cycles_admin(client, focal_point_norway):
    client.force_login(focal_point_norway)
    assert client.get(reverse("admin:assessments_cycle_changelist")).status_code == 302
