"""The public pages of published assessments: the list per cycle, a State's page, its
PDF and the files ticked; a withdrawn one gone from all of them; in six languages."""

import hashlib

import pytest
from django.conf import settings
from django.urls import reverse

from assessments import limits
from assessments.models import AssessmentStatus, MemberState
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.lifecycle import assessment_start, assessment_submit
from assessments.services.publication import submission_publish, submission_withdraw
from assessments.services.reports import submission_store_pdf
from assessments.services.review import assessment_accept
from delegations.models import Member
from tests.publishing import assessment_in, latest

pytestmark = pytest.mark.django_db


def page_url(code="2025", iso3="NOR"):
    return reverse("opendata:published_state", args=[code, iso3])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_states_page_shows_its_answers_pdf_hash_and_the_ticked_file_only(client, published):
    submission, (_unticked, _ticked) = published
    page = client.get(page_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "NORMARK-evidence" in html and "https://example.org/NORMARK-link" in html
    assert "NORMARK-file-2.pdf" in html and "NORMARK-file-1.pdf" not in html
    assert len(submission.pdf_sha256) == 64 and submission.pdf_sha256 in html
    assert reverse("opendata:published_pdf", args=["2025", "NOR"]) in html
    assert reverse("assessments:verify") in html
    # Who wrote or submitted the answers stays off the page.
    assert "nora" not in html


def test_the_pdf_is_the_official_one_with_the_hash_shown(client, published):
    submission, _files = published
    response = client.get(reverse("opendata:published_pdf", args=["2025", "NOR"]))
    assert response.status_code == 200
    assert hashlib.sha256(body(response)).hexdigest() == submission.pdf_sha256
    assert response["Content-Type"] == "application/pdf"


def test_only_a_ticked_file_downloads(client, published, kenya, focal_point_kenya, secretariat):
    _submission, (unticked, ticked) = published
    response = client.get(reverse("opendata:published_file", args=["2025", "NOR", ticked.pk]))
    assert response.status_code == 200
    assert b"NORMARK-content-2" in body(response)
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    _other, (kenyan, _) = assessment_in(
        AssessmentStatus.ACCEPTED,
        member_state=kenya,
        cycle=ticked.answer.assessment.cycle,
        focal_point=focal_point_kenya,
        reviewer=secretariat,
        marker="KENMARK",
    )
    for cycle_code, iso3, pk in [
        ("2025", "NOR", unticked.pk),  # not ticked
        ("2025", "NOR", kenyan.pk),  # another State's, under Norway's address
        ("2025", "KEN", kenyan.pk),  # Kenya has not published
        ("2025", "KEN", ticked.pk),
        ("1999", "NOR", ticked.pk),
    ]:
        url = reverse("opendata:published_file", args=[cycle_code, iso3, pk])
        assert client.get(url).status_code == 404, url


def test_a_withdrawn_publication_is_gone_with_its_pdf_and_files(
    client, published, focal_point_norway
):
    submission, (_unticked, ticked) = published
    submission_withdraw(submission=submission, user=focal_point_norway)
    gone = client.get(page_url())
    assert gone.status_code == 410
    assert "NORMARK" not in gone.content.decode()
    assert client.get(reverse("opendata:published_pdf", args=["2025", "NOR"])).status_code == 404
    file_url = reverse("opendata:published_file", args=["2025", "NOR", ticked.pk])
    assert client.get(file_url).status_code == 404
    listing = client.get(reverse("opendata:published_list")).content.decode()
    assert page_url() not in listing


def test_a_state_that_never_published_has_no_page(client, cycle, norway, focal_point_norway):
    assessment_start(member_state=norway, cycle=cycle, started_by=focal_point_norway)
    for url in [page_url(), page_url("2025", "XXX"), page_url("nope", "NOR")]:
        assert client.get(url).status_code == 404


def test_the_list_names_the_states_in_the_readers_language_and_order(
    client, cycle, secretariat, django_user_model, django_assert_max_num_queries
):
    """Three States with Arabic names whose order differs from the English one."""
    names = [
        ("AAA", "Alpha", "ياء"),  # last in Arabic
        ("BBB", "Beta", "ألف"),  # first in Arabic
        ("CCC", "Gamma", "باء"),
    ]
    for iso3, english, arabic in names:
        state = MemberState.objects.create(
            iso3=iso3, name=english, name_ar=arabic, regional_group="african"
        )
        user = django_user_model.objects.create_user(username=iso3.lower(), password="pw")
        Member.objects.create(user=user, member_state=state, role=Member.Role.FOCAL_POINT)
        assessment = assessment_start(member_state=state, cycle=cycle, started_by=user)
        submission_store_pdf(assessment_submit(assessment=assessment, submitted_by=user))
        assessment_accept(assessment=assessment, user=secretariat, seen_submission=1)
        submission_publish(submission=latest(assessment), user=user)
    url = reverse("opendata:published_list")
    with django_assert_max_num_queries(3):
        english = client.get(url).content.decode()
    assert english.index("Alpha") < english.index("Beta") < english.index("Gamma")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    with django_assert_max_num_queries(4):  # the cycle's translations too
        arabic = client.get(url).content.decode()
    assert 'dir="rtl"' in arabic
    assert arabic.index("ألف") < arabic.index("باء") < arabic.index("ياء")


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_public_page_answers_in_each_language(client, published, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in [reverse("opendata:published_list"), page_url()]:
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert f'lang="{language}"' in html
        assert ('dir="rtl"' in html) == (language == "ar")


def test_the_page_query_count_does_not_grow_with_the_answers(
    client, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        client.get(page_url())


def test_the_largest_evidence_reaches_the_public_page_whole(
    client, cycle, norway, focal_point_norway, secretariat
):
    """An answer at every limit (characters, lines, links of the longest length)."""
    assessment = assessment_start(member_state=norway, cycle=cycle, started_by=focal_point_norway)
    line = "x" * (limits.EVIDENCE_MAX_CHARS // limits.EVIDENCE_MAX_LINES - 1)
    evidence = "\n".join([line] * (limits.EVIDENCE_MAX_LINES - 1) + ["END-OF-EVIDENCE"])
    links = [
        f"https://example.org/{n}/" + "y" * (limits.LINK_MAX_CHARS - 40) + f"/END-{n}"
        for n in range(limits.LINKS_MAX)
    ]
    answer = assessment.answers.in_catalogue_order().select_related("assessment__cycle").first()
    answer_save(
        answer=answer,
        content=AnswerContent(status="implemented", evidence=evidence, links=links),
        base_version=0,
        user=focal_point_norway,
    )
    submission_store_pdf(assessment_submit(assessment=assessment, submitted_by=focal_point_norway))
    assessment_accept(assessment=assessment, user=secretariat, seen_submission=1)
    submission_publish(submission=latest(assessment), user=focal_point_norway)
    html = client.get(page_url()).content.decode()
    assert "END-OF-EVIDENCE" in html
    assert html.count(line) == limits.EVIDENCE_MAX_LINES - 1
    assert all(f"/END-{n}" in html for n in range(limits.LINKS_MAX))


def test_a_state_code_in_lower_case_leads_to_the_one_address_of_its_page(client, published):
    response = client.get("/published/2025/nor/")
    assert response.status_code == 301
    assert response["Location"] == "/published/2025/NOR/"
    assert client.get(response["Location"]).status_code == 200
