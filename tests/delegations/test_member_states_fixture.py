"""Specification of the UN Member States reference data in fixtures/member_states.json.

Names are the UN short names as the UN lists its 193 Member States (UN "Member States"
page, UNTERM short names). Typography decision: the three names that contain an
apostrophe all use the typographic apostrophe U+2019 (’), as UN documents and the UN
Member States list write "Côte d’Ivoire" and "Democratic People’s Republic of Korea".
Some UN sources (e.g. the M49 table) mix ’ and the ASCII ', so we pick ’ everywhere
for consistency and forbid the ASCII apostrophe. Anything matching user input against
these names must therefore normalise ' and ’.

Regional groups: every Member State has exactly one group. The United States of America
belongs to no group but attends WEOG as an observer and counts as WEOG for electoral
purposes; Türkiye counts as WEOG for electoral purposes; Israel is in WEOG; Kiribati is
placed in Asia-Pacific.
"""

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE_PATH = REPO_ROOT / "fixtures" / "member_states.json"

APOSTROPHE = "\u2019"  # ’ RIGHT SINGLE QUOTATION MARK, the UN's typographic apostrophe

EXPECTED_GROUP_COUNTS = {
    "african": 54,
    "asia_pacific": 54,  # 53 members of the Asia-Pacific Group, plus Kiribati
    "eastern_european": 23,
    "latin_american_caribbean": 33,
    "western_european_other": 29,  # 28 members of WEOG, plus the United States of America
}


def load_fixture():
    return json.loads(FIXTURE_PATH.read_text(encoding="utf-8"))


def member_states():
    return [entry["fields"] for entry in load_fixture()]


def names():
    return [state["name"] for state in member_states()]


def iso3_to_state():
    return {state["iso3"]: state for state in member_states()}


def without_accents(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def test_fixture_lists_exactly_193_member_states():
    assert len(load_fixture()) == 193


def test_every_entry_is_a_member_state_identified_by_natural_key_only():
    for entry in load_fixture():
        assert entry["model"] == "delegations.memberstate"
        assert "pk" not in entry
        assert set(entry["fields"]) == {"name", "iso3", "regional_group"}


def test_names_are_unique():
    duplicates = [name for name, count in Counter(names()).items() if count > 1]
    assert duplicates == []


def test_iso3_codes_are_unique():
    codes = [state["iso3"] for state in member_states()]
    duplicates = [code for code, count in Counter(codes).items() if count > 1]
    assert duplicates == []


def test_iso3_codes_are_three_uppercase_ascii_letters():
    malformed = [s["iso3"] for s in member_states() if not re.fullmatch(r"[A-Z]{3}", s["iso3"])]
    assert malformed == []


def test_every_regional_group_is_a_valid_choice():
    valid = set(EXPECTED_GROUP_COUNTS)
    invalid = [s for s in member_states() if s["regional_group"] not in valid]
    assert invalid == []


def test_expected_groups_match_the_model_choices():
    from delegations.models import MemberState

    field = MemberState._meta.get_field("regional_group")
    assert set(EXPECTED_GROUP_COUNTS) == {value for value, _label in field.choices}


def test_each_regional_group_has_its_number_of_member_states():
    counts = Counter(state["regional_group"] for state in member_states())
    assert dict(counts) == EXPECTED_GROUP_COUNTS
    assert sum(EXPECTED_GROUP_COUNTS.values()) == 193


@pytest.mark.parametrize(
    ("iso3", "regional_group"),
    [
        ("USA", "western_european_other"),
        ("TUR", "western_european_other"),
        ("ISR", "western_european_other"),
        ("AUS", "western_european_other"),
        ("NZL", "western_european_other"),
        ("KIR", "asia_pacific"),
        ("CYP", "asia_pacific"),
        ("KAZ", "asia_pacific"),
        ("GEO", "eastern_european"),
        ("RUS", "eastern_european"),
        ("EGY", "african"),
        ("CUB", "latin_american_caribbean"),
    ],
)
def test_states_with_notable_group_placement_are_in_the_right_group(iso3, regional_group):
    assert iso3_to_state()[iso3]["regional_group"] == regional_group


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Türkiye", "TUR"),
        ("Netherlands (Kingdom of the)", "NLD"),
        ("Republic of Korea", "KOR"),
        (f"Democratic People{APOSTROPHE}s Republic of Korea", "PRK"),
        (f"Côte d{APOSTROPHE}Ivoire", "CIV"),
        (f"Lao People{APOSTROPHE}s Democratic Republic", "LAO"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Venezuela (Bolivarian Republic of)", "VEN"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("Micronesia (Federated States of)", "FSM"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("United States of America", "USA"),
        ("Russian Federation", "RUS"),
        ("Czechia", "CZE"),
        ("Eswatini", "SWZ"),
        ("North Macedonia", "MKD"),
        ("Republic of Moldova", "MDA"),
        ("United Republic of Tanzania", "TZA"),
        ("Syrian Arab Republic", "SYR"),
        ("Viet Nam", "VNM"),
        ("Brunei Darussalam", "BRN"),
        ("Cabo Verde", "CPV"),
        ("Timor-Leste", "TLS"),
        ("Democratic Republic of the Congo", "COD"),
        ("Congo", "COG"),
        ("Gambia", "GMB"),
        ("Bahamas", "BHS"),
        ("Sao Tome and Principe", "STP"),
        ("Guinea-Bissau", "GNB"),
        ("Saint Vincent and the Grenadines", "VCT"),
        ("South Sudan", "SSD"),
        ("Myanmar", "MMR"),
    ],
)
def test_member_state_has_its_exact_un_name_and_iso3(name, iso3):
    assert iso3_to_state()[iso3]["name"] == name


@pytest.mark.parametrize(
    ("iso3", "name"),
    [
        ("VAT", "Holy See"),
        ("PSE", "State of Palestine"),
        ("XKX", "Kosovo"),
        ("TWN", "Taiwan"),
        ("COK", "Cook Islands"),
        ("NIU", "Niue"),
    ],
)
def test_observer_states_and_non_members_are_absent(iso3, name):
    assert iso3 not in iso3_to_state()
    assert not any(name.casefold() in member.casefold() for member in names())


@pytest.mark.parametrize(
    "superseded_name",
    [
        "Turkey",
        "Netherlands",
        "Swaziland",
        "Czech Republic",
        "The former Yugoslav Republic of Macedonia",
        "Cape Verde",
        "Ivory Coast",
        "East Timor",
        "Burma",
        "Vietnam",
        "Laos",
        "Libyan Arab Jamahiriya",
    ],
)
def test_superseded_or_informal_names_are_not_used(superseded_name):
    assert superseded_name not in names()


def test_names_have_no_surrounding_or_doubled_whitespace():
    untidy = [name for name in names() if name != name.strip() or "  " in name]
    assert untidy == []


def test_names_use_the_typographic_apostrophe_consistently():
    assert [name for name in names() if "'" in name] == []
    assert sorted(name for name in names() if APOSTROPHE in name) == [
        f"Côte d{APOSTROPHE}Ivoire",
        f"Democratic People{APOSTROPHE}s Republic of Korea",
        f"Lao People{APOSTROPHE}s Democratic Republic",
    ]


def test_names_are_nfc_normalised():
    assert [name for name in names() if unicodedata.normalize("NFC", name) != name] == []


def test_fixture_is_sorted_by_name_ignoring_accents_and_case():
    assert names() == sorted(names(), key=without_accents)


def test_file_is_utf8_with_two_space_indent_and_no_ascii_escapes():
    text = FIXTURE_PATH.read_text(encoding="utf-8")
    assert "Türkiye" in text
    assert text == json.dumps(load_fixture(), ensure_ascii=False, indent=2) + "\n"


@pytest.mark.django_db
def test_loaddata_loads_193_member_states_and_is_idempotent():
    from delegations.models import MemberState

    call_command("loaddata", "member_states", verbosity=0)
    assert MemberState.objects.count() == 193
    first_ids = dict(MemberState.objects.values_list("iso3", "pk"))

    call_command("loaddata", "member_states", verbosity=0)
    assert MemberState.objects.count() == 193
    assert dict(MemberState.objects.values_list("iso3", "pk")) == first_ids
    assert MemberState.objects.get(iso3="CIV").name == f"Côte d{APOSTROPHE}Ivoire"
