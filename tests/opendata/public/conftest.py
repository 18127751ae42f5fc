import pytest

from assessments.models import AssessmentStatus
from assessments.services.publication import submission_publish

# The assessment fixtures (a small catalogue, an open cycle) are the assessments tests';
# importing them makes them available here.
from tests.assessments.conftest import catalogue, cycle  # noqa: F401
from tests.publishing import assessment_in, latest


@pytest.fixture
def published(cycle, norway, focal_point_norway, secretariat):  # noqa: F811
    """Norway's accepted assessment, published with its second file only: the submission
    and both files."""
    assessment, files = assessment_in(
        AssessmentStatus.ACCEPTED,
        member_state=norway,
        cycle=cycle,
        focal_point=focal_point_norway,
        reviewer=secretariat,
        marker="NORMARK",
    )
    submission = latest(assessment)
    submission_publish(submission=submission, user=focal_point_norway, attachment_ids=[files[1].pk])
    return submission, files
