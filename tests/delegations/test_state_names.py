"""Member State names in the six UN languages: filled from the CLDR, corrected by the
secretariat with a record of each correction, shown in the reader's language, found by
the search in any of them and sorted as each language's readers expect."""

import json
from pathlib import Path

import pytest
from babel import Locale
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from delegations.cldr import cldr_names, iso2
from delegations.collation import sorted_by_name
from delegations.models import MemberState, MemberStateNameChange, NameLanguage, RegionalGroup
from delegations.services import state_names_correct, state_names_fill_missing
from delegations.state_search import member_states_named
from r2p_site.fonts import unprintable

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "member_states.json"
FIXTURE_CODES = [entry["fields"]["iso3"] for entry in json.loads(FIXTURE.read_text())]
OTHER_LANGUAGES = [language for language in NameLanguage.values if language != "en"]


def state(name, iso3="NOR", **names):
    return MemberState(name=name, iso3=iso3, regional_group=RegionalGroup.AFRICAN, **names)


@pytest.fixture
def named_norway(norway):
    norway.name_ar, norway.name_zh, norway.name_ru = "النرويج", "挪威", "Норвегия"
    norway.name_fr, norway.name_es = "Norvège", "Noruega"
    norway.save()
    return norway


# From the CLDR


def test_every_fixture_code_has_one_alpha_2_code_the_cldr_names():
    codes = {iso3: iso2(iso3) for iso3 in FIXTURE_CODES}
    assert [iso3 for iso3, code in codes.items() if code is None] == []
    assert len(set(codes.values())) == 193
    english = Locale.parse("en").territories
    assert [iso3 for iso3, code in codes.items() if code not in english] == []
    assert (codes["NOR"], codes["CIV"], codes["TUR"], codes["PRK"]) == ("NO", "CI", "TR", "KP")


def test_a_code_the_cldr_does_not_know_has_no_names():
    assert (iso2("ZZZ"), iso2("QQQ")) == (None, None)
    assert cldr_names("ZZZ") == dict.fromkeys(OTHER_LANGUAGES, "")


@pytest.mark.django_db
def test_after_the_fixture_is_loaded_every_state_has_its_name_in_six_languages():
    call_command("loaddata", "member_states", verbosity=0)
    assert state_names_fill_missing() == 193 * 5
    states = list(MemberState.objects.all())
    assert len(states) == 193
    missing = [(s.iso3, lang) for s in states for lang in OTHER_LANGUAGES if not s.name_in(lang)]
    assert missing == []
    assert MemberState.objects.with_missing_names().count() == 0
    assert [s.iso3 for s in states if any(unprintable(n) for n in s.names().values())] == []
    norway = MemberState.objects.get(iso3="NOR")
    assert norway.names() == {
        "ar": "النرويج",
        "zh": "挪威",
        "en": "Norway",
        "fr": "Norvège",
        "ru": "Норвегия",
        "es": "Noruega",
    }
    # English stays the UN's name from the fixture, not the CLDR's.
    assert MemberState.objects.get(iso3="TUR").name == "Türkiye"
    # A second run fills nothing and leaves a corrected name as it is.
    MemberState.objects.filter(iso3="NOR").update(name_fr="Royaume de Norvège")
    assert state_names_fill_missing() == 0
    assert MemberState.objects.get(iso3="NOR").name_fr == "Royaume de Norvège"


@pytest.mark.django_db
def test_load_reference_data_gives_a_fresh_database_the_names():
    call_command("load_reference_data", verbosity=0)
    assert MemberState.objects.count() == 193
    assert MemberState.objects.with_missing_names().count() == 0
    assert MemberState.objects.get(iso3="CHN").name_in("zh-hans") == "中国"


@pytest.mark.django_db
def test_a_state_the_cldr_does_not_name_is_shown_in_english_and_listed_as_such(client, secretariat):
    unknown = MemberState.objects.create(
        name="Atlantis", iso3="ZZZ", regional_group=RegionalGroup.AFRICAN
    )
    state_names_fill_missing()
    unknown.refresh_from_db()
    assert unknown.name_ru == ""
    with translation.override("ru"):
        assert unknown.local_name == "Atlantis"
        assert str(unknown) == "Atlantis"
    assert list(MemberState.objects.with_missing_names()) == [unknown]

    client.force_login(secretariat)
    changelist = reverse("admin:delegations_memberstate_changelist")
    page = client.get(changelist, {"names": "missing"})
    assert list(page.context["cl"].result_list) == [unknown]
    assert "Arabic, Chinese, French, Russian, Spanish" in page.content.decode()


# Shown in the reader's language


def test_the_name_is_the_active_languages_and_english_where_none_is_known():
    norway = state("Norway", name_zh="挪威", name_ar="النرويج")
    for language, expected in [("zh-hans", "挪威"), ("ar", "النرويج"), ("en", "Norway")]:
        with translation.override(language):
            assert norway.local_name == expected
            assert str(norway) == expected
    with translation.override("fr"):
        assert norway.local_name == "Norway"


# Corrected by the secretariat


def names_form(state, **changes):
    data = {f: getattr(state, f) for f in ["name", *[f"name_{lang}" for lang in OTHER_LANGUAGES]]}
    return {**data, **changes, **INLINE_MANAGEMENT}


INLINE_MANAGEMENT = {
    "name_changes-TOTAL_FORMS": "0",
    "name_changes-INITIAL_FORMS": "0",
    "name_changes-MIN_NUM_FORMS": "0",
    "name_changes-MAX_NUM_FORMS": "1000",
}


@pytest.mark.django_db
def test_the_secretariat_corrects_a_name_and_the_correction_is_recorded_and_used(
    client, secretariat, named_norway
):
    client.force_login(secretariat)
    url = reverse("admin:delegations_memberstate_change", args=[named_norway.pk])
    response = client.post(url, names_form(named_norway, name_fr="Royaume de Norvège"))
    assert response.status_code == 302

    named_norway.refresh_from_db()
    assert named_norway.name_fr == "Royaume de Norvège"
    assert (named_norway.name, named_norway.name_ru) == ("Norway", "Норвегия")
    [change] = MemberStateNameChange.objects.all()
    assert (change.member_state, change.language, change.before, change.after) == (
        named_norway,
        "fr",
        "Norvège",
        "Royaume de Norvège",
    )
    assert (change.changed_by, change.changed_by_name) == (secretariat, "sam")

    page = " ".join(client.get(url).content.decode().split())
    assert '<td class="field-language"> <p>French</p> </td>' in page
    assert '<td class="field-before"> <p>Norvège</p> </td>' in page
    assert '<td class="field-after"> <p>Royaume de Norvège</p> </td>' in page
    with translation.override("fr"):
        assert named_norway.local_name == "Royaume de Norvège"


@pytest.mark.django_db
def test_the_code_and_the_regional_group_are_not_the_secretariats_to_change(
    client, secretariat, named_norway
):
    client.force_login(secretariat)
    url = reverse("admin:delegations_memberstate_change", args=[named_norway.pk])
    form = names_form(named_norway, iso3="SWE", regional_group="asia_pacific")
    assert client.post(url, form).status_code == 302
    named_norway.refresh_from_db()
    assert (named_norway.iso3, named_norway.regional_group) == ("NOR", "western_european_other")
    assert not MemberStateNameChange.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name_ar", "", "A State&#x27;s name cannot be blank"),
        ("name", "", "This field is required."),
        ("name_zh", "挪\u0007威", "characters the country report cannot print: U+0007"),
        ("name_ru", "Норвегия \U00013000", "cannot print: U+13000"),
        ("name_fr", "N" * 101, "at most 100 characters"),
        ("name", "Kenya", "Member State with this Name already exists."),
    ],
)
def test_a_bad_name_is_refused_in_the_admin_and_nothing_is_stored(
    client, secretariat, named_norway, kenya, field, value, message
):
    client.force_login(secretariat)
    url = reverse("admin:delegations_memberstate_change", args=[named_norway.pk])
    before = MemberState.objects.filter(pk=named_norway.pk).values().get()
    # A valid correction beside the bad one is not saved either.
    response = client.post(
        url, names_form(named_norway, name_es="Reino de Noruega", **{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert MemberState.objects.filter(pk=named_norway.pk).values().get() == before
    assert not MemberStateNameChange.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_a_blank_or_unprintable_name_and_changes_nothing(
    named_norway, secretariat
):
    for names in [{"fr": "Royaume", "ru": "   "}, {"fr": "Royaume", "zh": "挪\ue000威"}]:
        with pytest.raises(ValidationError):
            state_names_correct(member_state=named_norway, names=names, corrected_by=secretariat)
    named_norway.refresh_from_db()
    assert named_norway.name_fr == "Norvège"
    assert not MemberStateNameChange.objects.exists()


@pytest.mark.django_db
def test_a_name_left_as_it_was_records_no_correction(named_norway, secretariat):
    changes = state_names_correct(
        member_state=named_norway, names={"fr": "Norvège", "en": "Norway"}, corrected_by=secretariat
    )
    assert changes == []
    assert not MemberStateNameChange.objects.exists()


@pytest.mark.django_db
def test_a_delegation_member_cannot_open_the_names_admin(client, focal_point_norway, norway):
    client.force_login(focal_point_norway)
    response = client.get(reverse("admin:delegations_memberstate_change", args=[norway.pk]))
    assert response.status_code == 302  # to the admin's sign-in
    assert not MemberStateNameChange.objects.exists()


# Searched in any language


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["النرويج", "نرويج", "挪威", "норвегия", "NORVEGE", "noruega"])
def test_the_state_search_finds_a_state_by_any_of_its_names(named_norway, kenya, term):
    assert member_states_named(term) == [named_norway.pk]


@pytest.mark.django_db
def test_the_admin_finds_a_state_by_its_chinese_name(client, secretariat, named_norway, kenya):
    client.force_login(secretariat)
    page = client.get(reverse("admin:delegations_memberstate_changelist"), {"q": "挪威"})
    assert list(page.context["cl"].result_list) == [named_norway]


# Sorted as each language's readers expect


@pytest.mark.parametrize(
    ("language", "names", "expected"),
    [
        # Pinyin: A-fù-hàn, Bā-xī, Dé-guó, Nuó-wēi, Zhōng-guó (code points would differ).
        (
            "zh-hans",
            ["中国", "挪威", "德国", "阿富汗", "巴西"],
            ["阿富汗", "巴西", "德国", "挪威", "中国"],
        ),
        # Ё sorts as Е: Египет before Ёмен (by code point Ё comes before А).
        ("ru", ["Япония", "Ёмен", "Египет", "Австрия"], ["Австрия", "Египет", "Ёмен", "Япония"]),
        # The forms of alef sort together: إسبانيا (s) before أفغانستان (f) before اليمن (l).
        ("ar", ["اليمن", "أفغانستان", "إسبانيا"], ["إسبانيا", "أفغانستان", "اليمن"]),
        # Accents come second: Égypte before Estonie, not after Zambie.
        ("fr", ["Zambie", "Estonie", "Égypte"], ["Égypte", "Estonie", "Zambie"]),
        ("es", ["Omán", "Ñ", "Nigeria"], ["Nigeria", "Ñ", "Omán"]),
    ],
)
def test_lists_of_states_are_sorted_as_their_readers_expect(language, names, expected):
    field = f"name_{language.split('-')[0]}"
    states = [state(f"State {index}", **{field: name}) for index, name in enumerate(names)]
    with translation.override(language):
        assert [s.local_name for s in sorted_by_name(states)] == expected
    assert [s.name_in(language) for s in sorted_by_name(states, language)] == expected


# The data migration


@pytest.mark.django_db(transaction=True)
def test_the_migration_names_the_states_already_loaded_and_lets_the_secretariat_correct(
    migrated_groups,
):
    call_command("migrate", "delegations", "0003_member_state_names", verbosity=0)
    try:
        MemberState.objects.bulk_create(
            [
                MemberState(name="Norway", iso3="NOR", regional_group=RegionalGroup.AFRICAN),
                MemberState(name="Atlantis", iso3="ZZZ", regional_group=RegionalGroup.AFRICAN),
            ]
        )
        call_command("migrate", "delegations", verbosity=0)
    finally:
        call_command("migrate", verbosity=0)
    assert MemberState.objects.get(iso3="NOR").names() == {
        "ar": "النرويج",
        "zh": "挪威",
        "en": "Norway",
        "fr": "Norvège",
        "ru": "Норвегия",
        "es": "Noruega",
    }
    assert list(MemberState.objects.with_missing_names().values_list("iso3", flat=True)) == ["ZZZ"]
    held = set(
        Group.objects.get(name="Secretariat").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert {
        ("delegations", "change_memberstate"),
        ("delegations", "view_memberstatenamechange"),
    } <= held


@pytest.fixture
def three_states(db):
    names = [
        ("Austria", "AUT", "Австрия", "奥地利"),
        ("Egypt", "EGY", "Египет", "埃及"),
        ("Yemen", "YEM", "Йемен", "也门"),
    ]
    return [
        MemberState.objects.create(
            name=name, iso3=iso3, regional_group=RegionalGroup.AFRICAN, name_ru=ru, name_zh=zh
        )
        for name, iso3, ru, zh in names
    ]


@pytest.mark.django_db
def test_the_admin_lists_and_picks_states_in_the_readers_order(client, secretariat, three_states):
    client.force_login(secretariat)
    changelist = reverse("admin:delegations_memberstate_changelist")
    page = client.get(changelist, headers={"accept-language": "zh-hans"})
    # Pinyin: Āi-jí, Ào-dì-lì, Yě-mén.
    assert [s.local_name for s in page.context["cl"].result_list] == ["埃及", "奥地利", "也门"]
    picked = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "assessments", "model_name": "extension", "field_name": "member_state"},
        headers={"accept-language": "ru"},
    )
    assert [item["text"] for item in picked.json()["results"]] == ["Австрия", "Египет", "Йемен"]
