"""Publication with consent: only the State's focal point publishes, only an accepted
submission, only the files ticked; withdrawing makes it private again; each act is
recorded with who and when."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments import policy
from assessments.models import (
    Assessment,
    AssessmentStatus,
    Publication,
    PublicationEvent,
    Submission,
)
from assessments.selectors.publication import published_submissions
from assessments.services.lifecycle import assessment_submit
from assessments.services.publication import (
    PublicationRefused,
    submission_publish,
    submission_withdraw,
)
from assessments.services.review import assessment_accept
from tests.publishing import assessment_in, latest

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(cycle, norway, focal_point_norway, secretariat):
    """Norway's accepted assessment with two files, `NORMARK-file-1.pdf` and `-2`."""
    return assessment_in(
        AssessmentStatus.ACCEPTED,
        member_state=norway,
        cycle=cycle,
        focal_point=focal_point_norway,
        reviewer=secretariat,
        marker="NORMARK",
    )


@pytest.fixture
def kenya_accepted(cycle, kenya, focal_point_kenya, secretariat):
    return assessment_in(
        AssessmentStatus.ACCEPTED,
        member_state=kenya,
        cycle=cycle,
        focal_point=focal_point_kenya,
        reviewer=secretariat,
        marker="KENMARK",
    )


def nothing_published():
    return not Publication.objects.exists() and not PublicationEvent.objects.exists()


# The service.


def test_the_focal_point_publishes_with_only_the_files_ticked(accepted, focal_point_norway):
    assessment, (_first, second) = accepted
    submission = latest(assessment)
    publication = submission_publish(
        submission=submission, user=focal_point_norway, attachment_ids=[second.pk]
    )
    assert publication.published_by == focal_point_norway
    assert publication.published_at is not None and publication.withdrawn_at is None
    assert list(publication.attachments.all()) == [second]
    event = publication.events.get()
    assert (event.kind, event.by) == (PublicationEvent.Kind.PUBLISHED, focal_point_norway)
    assert event.attachments == [second.describe()]
    assert list(published_submissions()) == [submission]
    assert list(published_submissions(assessment.cycle)) == [submission]


@pytest.mark.parametrize(
    "status", [AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED, AssessmentStatus.RETURNED]
)
def test_only_an_accepted_submission_may_be_published(
    status, cycle, norway, focal_point_norway, secretariat
):
    assessment, _files = assessment_in(
        status,
        member_state=norway,
        cycle=cycle,
        focal_point=focal_point_norway,
        reviewer=secretariat,
        marker="M",
    )
    if status == AssessmentStatus.DRAFT:
        # A draft has no submission to publish; one forged for it is refused all the same.
        submission = Submission.objects.create(
            assessment=assessment, number=1, submitted_by=focal_point_norway, snapshot={}
        )
    else:
        submission = latest(assessment)
    with pytest.raises(PublicationRefused, match="Only an accepted assessment"):
        submission_publish(submission=submission, user=focal_point_norway)
    assert nothing_published()


@pytest.mark.parametrize("persona", ["editor_norway", "focal_point_kenya", "secretariat"])
def test_no_one_but_the_states_focal_point_publishes(request, accepted, persona):
    assessment, _files = accepted
    with pytest.raises(PermissionDenied):
        submission_publish(submission=latest(assessment), user=request.getfixturevalue(persona))
    assert nothing_published()


def test_a_file_of_another_state_is_refused_and_nothing_is_stored(
    accepted, kenya_accepted, focal_point_norway
):
    assessment, (first, _second) = accepted
    _kenya, (kenyan, _other) = kenya_accepted
    with pytest.raises(ValidationError, match="not one of this submission's files"):
        submission_publish(
            submission=latest(assessment),
            user=focal_point_norway,
            attachment_ids=[first.pk, kenyan.pk],
        )
    assert nothing_published()


def test_a_file_added_after_the_submission_is_not_its_own(
    accepted, focal_point_norway, cycle, norway
):
    """A file not frozen by the snapshot (here one slipped in by hand) cannot be ticked."""
    assessment, (first, _second) = accepted
    from tests.publishing import attach

    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.DRAFT)
    late = attach(first.answer, focal_point_norway, name="late.pdf", marker="LATE")
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.ACCEPTED)
    with pytest.raises(ValidationError):
        submission_publish(
            submission=latest(assessment), user=focal_point_norway, attachment_ids=[late.pk]
        )
    assert nothing_published()


def test_publishing_twice_is_refused_and_recorded_once(accepted, focal_point_norway):
    assessment, _files = accepted
    submission_publish(submission=latest(assessment), user=focal_point_norway)
    with pytest.raises(PublicationRefused, match="already published"):
        submission_publish(submission=latest(assessment), user=focal_point_norway)
    assert PublicationEvent.objects.count() == 1


def test_withdrawing_records_who_and_when_and_unpublishes(accepted, focal_point_norway):
    assessment, (first, _second) = accepted
    submission = latest(assessment)
    submission_publish(submission=submission, user=focal_point_norway, attachment_ids=[first.pk])
    publication = submission_withdraw(submission=submission, user=focal_point_norway)
    assert publication.withdrawn_by == focal_point_norway
    assert publication.withdrawn_at >= publication.published_at
    assert not published_submissions().exists()
    assert [e.kind for e in publication.events.all()] == ["published", "withdrawn"]
    with pytest.raises(PublicationRefused, match="not published"):
        submission_withdraw(submission=submission, user=focal_point_norway)
    assert publication.events.count() == 2


def test_withdrawing_is_the_focal_points_alone(accepted, focal_point_norway, editor_norway):
    assessment, _files = accepted
    submission_publish(submission=latest(assessment), user=focal_point_norway)
    with pytest.raises(PermissionDenied):
        submission_withdraw(submission=latest(assessment), user=editor_norway)
    assert published_submissions().exists()


def test_publishing_again_after_a_withdrawal_is_a_new_consent(accepted, focal_point_norway):
    assessment, (first, second) = accepted
    submission = latest(assessment)
    submission_publish(submission=submission, user=focal_point_norway, attachment_ids=[first.pk])
    submission_withdraw(submission=submission, user=focal_point_norway)
    publication = submission_publish(
        submission=submission, user=focal_point_norway, attachment_ids=[second.pk]
    )
    assert publication.withdrawn_at is None and publication.withdrawn_by is None
    assert list(publication.attachments.all()) == [second]
    assert [e.kind for e in publication.events.all()] == ["published", "withdrawn", "published"]
    assert list(published_submissions()) == [submission]


def test_consent_does_not_carry_over_to_a_newer_submission(
    accepted, focal_point_norway, secretariat
):
    """Acceptance is final today; should an assessment ever be submitted again, the new
    version is private until published in its turn, and the old one no longer shows."""
    assessment, _files = accepted
    old = latest(assessment)
    submission_publish(submission=old, user=focal_point_norway)
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.RETURNED)
    assessment.refresh_from_db()
    assessment_submit(assessment=assessment, submitted_by=focal_point_norway)
    assessment_accept(assessment=assessment, user=secretariat, seen_submission=2)
    assert not published_submissions().exists()
    assert not policy.is_published(old)
    with pytest.raises(PublicationRefused, match="newer version"):
        submission_publish(submission=old, user=focal_point_norway)
    new = latest(assessment)
    assert policy.may_publish(new)
    submission_publish(submission=new, user=focal_point_norway)
    assert list(published_submissions()) == [new]


# The rules: the predicates and the filter agree.


def test_is_published_and_the_public_filter_agree(
    accepted, kenya_accepted, focal_point_norway, focal_point_kenya
):
    norway_assessment, _ = accepted
    kenya_assessment, _ = kenya_accepted
    submission_publish(submission=latest(norway_assessment), user=focal_point_norway)
    submission_publish(submission=latest(kenya_assessment), user=focal_point_kenya)
    submission_withdraw(submission=latest(kenya_assessment), user=focal_point_kenya)
    public = set(Submission.objects.filter(policy.published_q()))
    assert public == {s for s in Submission.objects.all() if policy.is_published(s)}
    assert public == {latest(norway_assessment)}
    rules = {
        a.member_state.iso3: policy.AssessmentRules.of(a)
        for a in Assessment.objects.select_related("cycle", "member_state")
    }
    assert (rules["NOR"].is_published, rules["NOR"].may_publish) == (True, False)
    assert (rules["KEN"].is_published, rules["KEN"].may_publish) == (False, True)


# The pages.


def publish_url(assessment):
    return reverse("assessments:publication_publish", args=[assessment.pk])


def withdraw_url(assessment):
    return reverse("assessments:publication_withdraw", args=[assessment.pk])


def test_the_preview_shows_what_becomes_public_with_a_box_per_file(
    client, accepted, focal_point_norway
):
    assessment, (first, second) = accepted
    client.force_login(focal_point_norway)
    page = client.get(reverse("assessments:assessment_detail", args=[assessment.pk]))
    assert publish_url(assessment) in page.content.decode()
    preview = client.get(publish_url(assessment))
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "NORMARK-evidence" in html and "https://example.org/NORMARK-link" in html
    for attachment in (first, second):
        assert f'name="attachments" value="{attachment.pk}"' in html
        assert "NORMARK-file-" in html
    assert len(latest(assessment).pdf_sha256) == 64 and latest(assessment).pdf_sha256 in html
    assert "checked" not in html.split('name="attachments"')[1].split(">")[0]
    # The official PDF names who submitted it: the one who consents is told whom.
    submitter = latest(assessment).snapshot["submission"]["submitted_by"]
    assert f"names the person who submitted it, <bdi>{submitter}</bdi>" in html
    assert nothing_published()  # a preview publishes nothing


def test_publishing_through_the_pages_needs_the_consent_box(client, accepted, focal_point_norway):
    assessment, (_first, second) = accepted
    client.force_login(focal_point_norway)
    refused = client.post(publish_url(assessment), {"number": 1, "attachments": [second.pk]})
    assert refused.status_code == 400
    assert "Tick the box to consent" in refused.content.decode()
    # The box ticked before stays ticked when the page comes back.
    assert f'value="{second.pk}" id="attachment-{second.pk}" checked' in refused.content.decode()
    assert nothing_published()
    done = client.post(
        publish_url(assessment), {"number": 1, "attachments": [second.pk], "consent": "on"}
    )
    assert done.status_code == 302
    publication = Publication.objects.get()
    assert list(publication.attachments.all()) == [second]
    page = client.get(reverse("assessments:assessment_detail", args=[assessment.pk]))
    html = page.content.decode()
    assert withdraw_url(assessment) in html
    assert reverse("opendata:published_state", args=["2025", "NOR"]) in html


def test_a_forged_file_id_through_the_page_answers_400_and_publishes_nothing(
    client, accepted, kenya_accepted, focal_point_norway
):
    assessment, _files = accepted
    _kenya, (kenyan, _other) = kenya_accepted
    client.force_login(focal_point_norway)
    for forged in [kenyan.pk, "x", 10**12]:
        result = client.post(
            publish_url(assessment), {"number": 1, "attachments": [forged], "consent": "on"}
        )
        assert result.status_code == 400, forged
        assert "not one of this submission" in result.content.decode()
    assert nothing_published()


@pytest.mark.parametrize("number", ["", "abc", "2", "99999999999999999999", "-1"])
def test_a_version_that_is_not_the_latest_is_never_published(
    client, accepted, focal_point_norway, number
):
    assessment, _files = accepted
    client.force_login(focal_point_norway)
    result = client.post(publish_url(assessment), {"number": number, "consent": "on"})
    assert result.status_code == 404
    assert nothing_published()


def test_publishing_an_assessment_not_accepted_sends_back_with_the_reason(
    client, cycle, norway, focal_point_norway, secretariat
):
    assessment, _files = assessment_in(
        AssessmentStatus.RETURNED,
        member_state=norway,
        cycle=cycle,
        focal_point=focal_point_norway,
        reviewer=secretariat,
        marker="M",
    )
    client.force_login(focal_point_norway)
    page = client.get(reverse("assessments:assessment_detail", args=[assessment.pk]))
    assert publish_url(assessment) not in page.content.decode()
    for result in (
        client.get(publish_url(assessment), follow=True),
        client.post(publish_url(assessment), {"number": 1, "consent": "on"}, follow=True),
    ):
        assert "Only an accepted assessment can be published" in result.content.decode()
    assert nothing_published()


def test_who_may_open_the_publication_pages(
    client, accepted, editor_norway, focal_point_kenya, secretariat, focal_point_norway
):
    assessment, _files = accepted
    urls = [publish_url(assessment), withdraw_url(assessment)]
    for user, status in [(editor_norway, 403), (focal_point_kenya, 404), (secretariat, 404)]:
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == status, (user, url)
            assert client.post(url, {"number": 1, "consent": "on"}).status_code == status
    client.force_login(editor_norway)
    page = client.get(reverse("assessments:assessment_detail", args=[assessment.pk]))
    assert publish_url(assessment) not in page.content.decode()
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302
    assert nothing_published()


def test_withdrawing_through_the_pages_needs_the_confirmation(client, accepted, focal_point_norway):
    assessment, _files = accepted
    submission_publish(submission=latest(assessment), user=focal_point_norway)
    client.force_login(focal_point_norway)
    assert client.get(withdraw_url(assessment)).status_code == 200
    assert client.post(withdraw_url(assessment), {}).status_code == 400
    assert published_submissions().exists()
    assert client.post(withdraw_url(assessment), {"confirm": "on"}).status_code == 302
    assert not published_submissions().exists()
    page = client.get(reverse("assessments:assessment_detail", args=[assessment.pk]))
    assert "Withdrawn on" in page.content.decode()
    assert publish_url(assessment) in page.content.decode()
    # Withdrawing what is not published sends back with the reason.
    again = client.post(withdraw_url(assessment), {"confirm": "on"}, follow=True)
    assert "This assessment is not published." in again.content.decode()


# The secretariat's desk: read-only.


def test_the_desk_shows_each_versions_publication_and_filters_by_it(
    client, accepted, kenya_accepted, focal_point_norway, focal_point_kenya, secretariat
):
    norway, (first, _second) = accepted
    kenya, _files = kenya_accepted
    submission_publish(
        submission=latest(norway), user=focal_point_norway, attachment_ids=[first.pk]
    )
    submission_publish(submission=latest(kenya), user=focal_point_kenya)
    submission_withdraw(submission=latest(kenya), user=focal_point_kenya)
    client.force_login(secretariat)
    url = reverse("admin:assessments_submission_changelist")
    # The list filters by publication (a column more would not fit a 1280 px screen);
    # who published or withdrew, and when, is on each submission's page.
    for value, shown, hidden in [("public", "Norway", "Kenya"), ("withdrawn", "Kenya", "Norway")]:
        page = client.get(url, {"publication": value}).content.decode()
        assert shown in page and hidden not in page.split("<tbody>")[1], value
    record = client.get(
        reverse("admin:assessments_submission_change", args=[latest(norway).pk])
    ).content.decode()
    assert "NORMARK-file-1.pdf" in record and "Published" in record
    # A record: nothing to save, and the secretariat cannot publish for a State.
    assert 'name="_save"' not in record
