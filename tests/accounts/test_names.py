"""People's names hold no line breaks and no invisible characters that change how they
read (a right-to-left override shows "Nora" typed after it backwards): refused by the
model, so by the admin and every form; names already stored stay readable."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

pytestmark = pytest.mark.django_db

REFUSED = {
    "line feed": "Nora\nHansen",
    "carriage return": "Nora\rHansen",
    "tab": "Nora\tHansen",
    "right-to-left override": "\u202enesnaH",
    "left-to-right mark": "Nora\u200e",
    "pop directional isolate": "Nora\u2069",
    "soft hyphen": "Han\u00adsen",
    "byte order mark": "\ufeffNora",
    "line separator": "Nora\u2028Hansen",
    "next line": "Nora\x85Hansen",
}


def named(**names) -> User:
    return User(username="nora", password="!", **names)


@pytest.mark.parametrize("field", ["first_name", "last_name"])
@pytest.mark.parametrize("name", REFUSED.values(), ids=REFUSED.keys())
def test_a_name_with_a_line_break_or_an_invisible_character_is_refused(field, name):
    with pytest.raises(ValidationError) as refused:
        named(**{field: name}).full_clean()
    messages = refused.value.message_dict[field]
    assert any("cannot contain line breaks" in message for message in messages)


def test_the_error_names_the_characters_found():
    with pytest.raises(ValidationError) as refused:
        named(first_name="\u202eNora\n").full_clean()
    assert "U+000A, U+202E" in str(refused.value.message_dict["first_name"])


@pytest.mark.parametrize(
    "name",
    [
        "Nora",
        "Zoë O'Brien-Müller",
        "Nguyễn Thị",
        "李小龙",
        "Дмитрий",
        "عبد الله",
        # Persian spells "-zadeh" names with a zero width non-joiner.
        "حسین\u200cزاده",
        "حسین\u200dزاده",
    ],
)
def test_names_in_every_script_with_their_joiners_are_accepted(name):
    named(first_name=name, last_name=name).full_clean()


@pytest.fixture
def superuser(django_user_model):
    user = django_user_model.objects.create_superuser("root", password="pw-root")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def admin_user_form(user, **changes):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "delegation_member-TOTAL_FORMS": 0,
        "delegation_member-INITIAL_FORMS": 0,
        "delegation_member-MIN_NUM_FORMS": 0,
        "delegation_member-MAX_NUM_FORMS": 1,
        **changes,
    }


def test_the_admin_refuses_such_a_name_and_keeps_the_stored_one(
    client, superuser, django_user_model
):
    ola = django_user_model.objects.create_user("ola", first_name="Ola", password="pw-ola")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_user_change", args=[ola.pk]),
        admin_user_form(ola, first_name="\u202ealO"),
    )
    assert response.status_code == 200
    assert "A name cannot contain line breaks" in response.content.decode()
    ola.refresh_from_db()
    assert ola.first_name == "Ola"


def test_a_name_stored_before_the_rule_stays_readable(client, superuser, django_user_model):
    old = django_user_model.objects.create_user("old", first_name="Ola\n", last_name="\u202eX")
    old.refresh_from_db()
    assert str(old) == "Ola\n \u202eX"
    client.force_login(superuser)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_change", args=[old.pk])).status_code == 200
