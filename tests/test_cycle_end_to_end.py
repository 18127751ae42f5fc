"""A reporting cycle from the invitation to the acceptance, through the site's own pages,
with the worker's real queue (django-tasks' database backend, run as `db_worker
--batch` runs it) and the outbox asserted at each step."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.views import ENROL_KEY
from assessments.models import Answer, AssessmentStatus, Submission
from delegations.models import Member
from delegations.services import invitation_create
from tests.assessments.conftest import catalogue, cycle  # noqa: F401 (fixtures)
from tests.clients import SignedInClient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def real_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SITE_URL = "https://r2p.example.org"
    settings.SECRETARIAT_EMAIL = "desk@un.example"


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def subjects():
    return [message.subject for message in mail.outbox]


@pytest.fixture
def reviewer(django_user_model):
    # A superuser: a transactional test empties the migrations' Secretariat group.
    user = django_user_model.objects.create_superuser("rita", "rita@un.example", "pw-rita")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def save_answer(client, answer, evidence):
    prefix = f"r{answer.pk}-"
    result = client.post(
        reverse("assessments:answer_save", args=[answer.assessment_id, answer.pk]),
        {
            prefix + "status": "implemented",
            prefix + "evidence": evidence,
            prefix + "links": "",
            prefix + "version": answer.version,
        },
        headers={"HX-Request": "true"},
    )
    assert result.status_code == 200, result.content


def test_a_cycle_from_invitation_to_acceptance(
    real_queue,
    cycle,  # noqa: F811 (a fixture imported above)
    norway,
    reviewer,
):
    # The secretariat invites Norway's focal point; the link comes by e-mail.
    invitation_create(
        email="nora@mfa.example",
        member_state=norway,
        role=Member.Role.FOCAL_POINT,
        invited_by=reviewer,
    )
    assert mail.outbox == []  # a worker sends it
    run_worker()
    (invitation_mail,) = mail.outbox
    link = re.search(
        r"https://r2p\.example\.org(/accounts/invitation/[^/\s]+/)", invitation_mail.body
    )
    assert link, invitation_mail.body

    # First sign-in: the account is made from the link, then two-factor is set up.
    nora = SignedInClient()
    accepted = nora.post(
        link.group(1),
        {
            "first_name": "Nora",
            "last_name": "Focal",
            "username": "nora",
            "password1": "a long pass phrase 2025",
            "password2": "a long pass phrase 2025",
        },
    )
    assert accepted.status_code == 302
    nora.get(reverse("accounts:two_factor_enrol"))
    code = str(TOTP(bytes.fromhex(nora.session[ENROL_KEY])).token()).zfill(6)
    enrolled = nora.post(reverse("accounts:two_factor_enrol"), {"code": code})
    assert enrolled.status_code == 200  # the recovery codes, shown once
    assert reverse("assessments:home") in nora.get(reverse("home")).content.decode()

    # Answers, then the submission: the request queues the PDF and the notice.
    nora.post(reverse("assessments:assessment_start", args=[cycle.code]))
    assessment = norway.assessments.get(cycle=cycle)
    for answer in assessment.answers.all():
        save_answer(nora, answer, f"Evidence for {answer.recommendation.code}.")
    submitted = nora.post(
        reverse("assessments:assessment_submit", args=[assessment.pk]), {"confirm": "on"}
    )
    assert submitted.status_code == 302
    submission = Submission.objects.get(assessment=assessment)
    assert not submission.pdf  # the request did not render it
    assert subjects()[1:] == []  # nor sent the notice

    run_worker()
    submission.refresh_from_db()
    assert submission.pdf and submission.pdf_sha256
    assert subjects()[1:] == ["Received: the self-assessment of Norway, version 1"]

    # The secretariat returns it, confirming what happens next.
    desk = SignedInClient()
    desk.force_login(reviewer)
    review = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    returned = desk.post(
        review,
        {"action": "return", "text": "Cite the law.", "submission": 1, "confirmed": "1"},
    )
    assert returned.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED
    run_worker()
    assert subjects()[-1] == "Returned for revision: the self-assessment of Norway"

    # The delegation revises one answer and submits again.
    first = Answer.objects.filter(assessment=assessment).order_by("pk").first()
    save_answer(nora, first, "Law 12/2021 on the prevention of atrocity crimes.")
    nora.post(reverse("assessments:assessment_submit", args=[assessment.pk]), {"confirm": "on"})
    run_worker()
    assert subjects()[-1] == "Received: the self-assessment of Norway, version 2"
    assert Submission.objects.get(assessment=assessment, number=2).pdf

    # The reviewer sees what changed, and accepts version 2.
    page = desk.get(review).content.decode()
    assert "changed since version 1" in page
    assert "Law 12/2021 on the prevention of atrocity crimes." in page
    accepted = desk.post(
        review, {"action": "accept", "text": "", "submission": 2, "confirmed": "1"}
    )
    assert accepted.status_code == 302
    run_worker()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ACCEPTED
    assert subjects() == [
        invitation_mail.subject,
        "Received: the self-assessment of Norway, version 1",
        "Returned for revision: the self-assessment of Norway",
        "Received: the self-assessment of Norway, version 2",
        "Accepted: the self-assessment of Norway",
    ]
    assert mail.outbox[1].cc == ["desk@un.example"]
