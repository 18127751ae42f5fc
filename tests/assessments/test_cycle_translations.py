"""A cycle is named in the six languages, like a report: the secretariat enters the
translations beside the English, pages and e-mails show the reader's, and a submission
freezes them all, so that every rendering of it prints its language's."""

import io

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from assessments.documents.pdf import render_country_report
from assessments.documents.snapshot import readable, unprintable_parts
from assessments.models import CycleTranslation
from assessments.services.lifecycle import assessment_submit
from assessments.services.review import assessment_return

pytestmark = pytest.mark.django_db

FRENCH_NAME = "Débat de 2025"
RUSSIAN_NAME = "Прения 2025 года"


@pytest.fixture
def named_cycle(cycle):
    CycleTranslation.objects.create(cycle=cycle, language="fr", name=FRENCH_NAME)
    CycleTranslation.objects.create(cycle=cycle, language="ru", name=RUSSIAN_NAME)
    return cycle


def test_the_name_shown_is_the_active_languages_or_the_english(named_cycle):
    with translation.override("fr"):
        assert str(named_cycle) == FRENCH_NAME
    with translation.override("ru"):
        assert named_cycle.name_shown == RUSSIAN_NAME
    with translation.override("es"):
        assert str(named_cycle) == "2025 debate"
    with translation.override("en"):
        assert str(named_cycle) == "2025 debate"


def test_one_translation_per_language(named_cycle):
    with pytest.raises(IntegrityError):
        CycleTranslation.objects.create(cycle=named_cycle, language="fr", name="Autre")


def test_the_delegations_page_shows_the_cycle_in_its_language(
    client, named_cycle, norway_assessment, focal_point_norway
):
    client.force_login(focal_point_norway)
    page = client.get(norway_assessment.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")
    assert FRENCH_NAME in page.content.decode()


def test_a_submission_freezes_every_name_and_each_rendering_prints_its_own(
    named_cycle, norway_assessment, focal_point_norway
):
    submission = assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    # Renamed afterwards: the submission keeps the names it was submitted with.
    CycleTranslation.objects.filter(language="fr").update(name="Nouveau nom")
    submission.refresh_from_db()
    assert submission.snapshot["cycle"]["names"] == {"fr": FRENCH_NAME, "ru": RUSSIAN_NAME}
    with translation.override("ru"):
        assert readable(submission.snapshot)["cycle"]["name"] == RUSSIAN_NAME
    pdf = render_country_report(submission.snapshot, language="fr")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert FRENCH_NAME in " ".join(text.split())
    assert "Nouveau nom" not in text


def test_a_snapshot_without_names_prints_the_english(named_cycle, norway_assessment):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessments.documents.snapshot import build_snapshot

    user = get_user_model().objects.create_user("someone")
    snapshot = build_snapshot(
        assessment=norway_assessment, submitted_by=user, submitted_at=timezone.now(), number=1
    )
    del snapshot["cycle"]["names"]
    with translation.override("fr"):
        assert readable(snapshot)["cycle"]["name"] == "2025 debate"


def test_an_unprintable_translated_name_is_named_before_it_is_frozen(
    named_cycle, norway_assessment
):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessments.documents.snapshot import build_snapshot

    # Written past the admin's validation, as a bulk update would.
    CycleTranslation.objects.filter(language="ru").update(name="Прения \ue000")
    user = get_user_model().objects.create_user("someone")
    snapshot = build_snapshot(
        assessment=norway_assessment, submitted_by=user, submitted_at=timezone.now(), number=1
    )
    assert any("U+E000" in problem for problem in unprintable_parts(snapshot))


def test_the_notice_names_the_cycle_in_the_readers_language(
    named_cycle,
    norway_assessment,
    focal_point_norway,
    secretariat,
    django_capture_on_commit_callbacks,
):
    focal_point_norway.email = "nora@mfa.example"
    focal_point_norway.language = "fr"
    focal_point_norway.save()
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_return(
            assessment=norway_assessment, user=secretariat, seen_submission=1, text="Why?"
        )
    (french,) = [message for message in mail.outbox if message.to == ["nora@mfa.example"]]
    assert FRENCH_NAME in french.body
    assert FRENCH_NAME in french.alternatives[0][0]


def test_the_secretariat_names_a_cycle_in_the_admin(client, secretariat, named_cycle):
    client.force_login(secretariat)
    url = reverse("admin:assessments_cycle_change", args=[named_cycle.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert FRENCH_NAME in page.content.decode()
