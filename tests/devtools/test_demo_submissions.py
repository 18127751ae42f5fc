"""The demo's submitted assessments, which the restore drill in CI backs up and restores:
answered with history and files, submitted with their PDFs, one returned and submitted
again, one accepted."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from assessments.models import AnswerChange, AssessmentStatus, Attachment, Submission
from devtools.demo import demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(cycle, norway, kenya):
    return demo_load().cycle


def test_the_demo_states_submit_with_history_files_and_rendered_pdfs(demo):
    output = io.StringIO()
    call_command("load_demo_submissions", "--states", "2", stdout=output)

    assert "2 States submitted" in output.getvalue()
    kenya, norway = demo.assessments.order_by("member_state__iso3")
    assert kenya.status == AssessmentStatus.SUBMITTED
    assert list(kenya.submissions.values_list("number", flat=True)) == [2, 1]
    assert norway.status == AssessmentStatus.ACCEPTED
    for submission in Submission.objects.all():
        with submission.pdf.open("rb") as pdf:
            assert hashlib.sha256(pdf.read()).hexdigest() == submission.pdf_sha256
    assert Attachment.objects.count() == 4
    answered = kenya.answers.exclude(status="").count()
    assert answered == kenya.answers.count() > 0
    assert AnswerChange.objects.filter(answer__assessment=kenya).count() == answered + 2


def test_the_demo_submissions_need_the_demo_first(cycle, norway):
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_demo_submissions", stdout=io.StringIO())


def test_the_demo_submissions_are_refused_in_production(settings, demo):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="never run in production"):
        call_command("load_demo_submissions", stdout=io.StringIO())
    assert not Submission.objects.exists()
