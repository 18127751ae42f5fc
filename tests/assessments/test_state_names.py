"""The State's name in the reader's language wherever an assessment shows it: the
snapshot freezes the six names and each rendering prints its own, e-mails are in their
readers' language, exports and the secretariat's desk list States in collation order."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from assessments.documents.pdf import render_country_report
from assessments.documents.snapshot import readable
from assessments.models import Assessment
from assessments.selectors.exports import export_rows
from assessments.services.lifecycle import assessment_start, assessment_submit
from delegations.models import MemberState, RegionalGroup

pytestmark = pytest.mark.django_db

NORWAY = {"ar": "النرويج", "zh": "挪威", "fr": "Norvège", "ru": "Норвегия", "es": "Noruega"}


@pytest.fixture
def named_norway(norway):
    for language, name in NORWAY.items():
        setattr(norway, f"name_{language}", name)
    norway.save()
    return norway


@pytest.fixture
def submitted(named_norway, norway_assessment, focal_point_norway):
    with translation.override("ar"):
        return assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


@pytest.mark.parametrize(
    ("language", "name"), [("ar", "النرويج"), ("zh-hans", "挪威"), ("ru", "Норвегия")]
)
def test_the_delegations_page_shows_the_states_name_in_the_language_of_the_page(
    client, named_norway, norway_assessment, focal_point_norway, language, name
):
    client.force_login(focal_point_norway)
    page = client.get(norway_assessment.get_absolute_url(), headers={"accept-language": language})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"<h1>{translation_of_heading(language, name)}</h1>" in html
    assert "Norway" not in html


def translation_of_heading(language, name):
    with translation.override(language):
        return translation.gettext("Self-assessment of %(state)s") % {"state": name}


def test_the_snapshot_freezes_the_name_in_six_languages(submitted, named_norway):
    state = submitted.snapshot["member_state"]
    assert state["name"] == "Norway"
    assert state["names"] == {**NORWAY, "en": "Norway"}
    # A later correction changes nothing in what the submission prints.
    MemberState.objects.filter(pk=named_norway.pk).update(name_fr="Royaume de Norvège")
    with translation.override("fr"):
        assert readable(submitted.snapshot)["member_state"]["name"] == "Norvège"


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("ar", "النرويج"),
        ("zh-hans", "挪威"),
        ("ru", "Норвегия"),
        ("fr", "Norvège"),
        ("en", "Norway"),
    ],
)
def test_each_rendering_of_a_submission_reads_its_own_languages_name(submitted, language, name):
    with translation.override(language):
        assert readable(submitted.snapshot)["member_state"]["name"] == name


def test_a_snapshot_frozen_before_the_names_prints_the_english_one(submitted):
    snapshot = submitted.snapshot
    snapshot["member_state"].pop("names")
    with translation.override("ru"):
        assert readable(snapshot)["member_state"]["name"] == "Norway"
    assert "Norway" in text_of(render_country_report(snapshot, language="ru"))


@pytest.mark.parametrize(("language", "name"), [("ru", "Норвегия"), ("zh-hans", "挪威")])
def test_the_country_report_prints_the_name_in_the_language_of_its_rendering(
    submitted, language, name
):
    text = text_of(render_country_report(submitted.snapshot, language=language))
    assert name in text
    assert "Norway" not in text


def test_the_arabic_country_report_prints_the_arabic_name(submitted):
    # The official report, in the language it was submitted in (Arabic).
    text = text_of(render_country_report(submitted.snapshot))
    assert "النرويج" in text
    assert "Norway" not in text


def test_notices_name_the_state_in_their_readers_language(
    named_norway,
    norway_assessment,
    focal_point_norway,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SECRETARIAT_EMAIL = ""
    focal_point_norway.email, focal_point_norway.language = "nora@mfa.example", "ru"
    focal_point_norway.save()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    (message,) = mail.outbox
    assert "Норвегия" in message.subject
    assert "Норвегия" in message.body and "Norway" not in message.body


@pytest.fixture
def states_with_assessments(cycle, named_norway, focal_point_norway):
    """Norway, Egypt and Austria started: in Russian Австрия, Египет, Норвегия."""
    names = [("Egypt", "EGY", "Египет", "埃及"), ("Austria", "AUT", "Австрия", "奥地利")]
    states = [named_norway]
    for name, iso3, russian, chinese in names:
        states.append(
            MemberState.objects.create(
                name=name,
                iso3=iso3,
                regional_group=RegionalGroup.AFRICAN,
                name_ru=russian,
                name_zh=chinese,
            )
        )
    for state in states:
        assessment_start(member_state=state, cycle=cycle, started_by=focal_point_norway)
    return states


def test_exports_name_and_sort_the_states_in_the_language_asked_for(states_with_assessments):
    with translation.override("ru"):
        rows = list(export_rows(Assessment.objects.all(), include_drafts=True))
    assert list(dict.fromkeys(row[0] for row in rows)) == ["Австрия", "Египет", "Норвегия"]
    with translation.override("zh-hans"):
        rows = list(export_rows(Assessment.objects.all(), include_drafts=True))
    # Pinyin: Ào-dì-lì, Āi-jí, Nuó-wēi.
    assert list(dict.fromkeys(row[0] for row in rows)) == ["埃及", "奥地利", "挪威"]


def test_the_chasing_desk_lists_states_in_the_readers_order(
    client, secretariat, states_with_assessments, cycle
):
    client.force_login(secretariat)
    page = client.get(
        reverse("admin:assessments_chasing"),
        {"cycle": cycle.code},
        headers={"accept-language": "ru"},
    )
    assert page.status_code == 200
    assert [state.local_name for state in page.context["states"]] == [
        "Австрия",
        "Египет",
        "Норвегия",
    ]
