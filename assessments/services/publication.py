"""Publication with consent: the State's focal point makes its accepted submission
public, with the files they ticked, and may withdraw it again.

Both acts lock the assessment's row first, like every transition of its lifecycle
(lifecycle.py), then read the status and the publication they depend on under that
lock: an act that waited for another sees its outcome, so two publishes of one
submission make one publication, and nothing is published that is no longer accepted.

Consent is for one submission's text. A publication belongs to its submission; a newer
submission of the same assessment is not public until it is published in its turn
(`policy.published_q` shows only the latest version). Publishing again after a
withdrawal is a new consent, with the files ticked then.
"""

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policy
from ..access import publication_refusal
from ..models import Assessment, Publication, PublicationEvent, Submission
from ..selectors.publication import submission_files


class PublicationRefused(PermissionDenied):
    """The submission may not be published, or withdrawn, now: see the message."""


def _lock(submission: Submission) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .get(pk=submission.assessment_id)
    )


def _check_user(user: AbstractBaseUser, submission: Submission) -> None:
    refusal = publication_refusal(user, submission.assessment)
    if refusal:
        raise PermissionDenied(refusal)


@transaction.atomic
def submission_publish(
    *, submission: Submission, user: AbstractBaseUser, attachment_ids: Iterable[int] = ()
) -> Publication:
    """Publish `submission` (the latest version of an accepted assessment) with the
    files `attachment_ids`, which must be among the files it froze; nothing is stored
    if any is not."""
    _check_user(user, submission)
    assessment = _lock(submission)
    refusal = policy.publish_refusal(submission, assessment)
    if refusal:
        raise PublicationRefused(refusal)
    files = submission_files(submission)
    chosen = set(attachment_ids)
    if chosen - files.keys():
        raise ValidationError(
            _("A file chosen is not one of this submission's files; nothing has been published."),
            code="unknown_file",
        )
    now = timezone.now()
    publication, _created = Publication.objects.update_or_create(
        submission=submission,
        defaults={
            "published_at": now,
            "published_by": user,
            "withdrawn_at": None,
            "withdrawn_by": None,
        },
    )
    publication.attachments.set(sorted(chosen))
    PublicationEvent.objects.create(
        publication=publication,
        kind=PublicationEvent.Kind.PUBLISHED,
        at=now,
        by=user,
        attachments=[files[pk].describe() for pk in sorted(chosen)],
    )
    return publication


@transaction.atomic
def submission_withdraw(*, submission: Submission, user: AbstractBaseUser) -> Publication:
    """Withdraw the publication of `submission`: its page, its files and its API entry
    stop being public at once. The publication and its record stay."""
    _check_user(user, submission)
    _lock(submission)
    refusal = policy.withdraw_refusal(submission)
    if refusal:
        raise PublicationRefused(refusal)
    now = timezone.now()
    Publication.objects.filter(submission=submission).update(withdrawn_at=now, withdrawn_by=user)
    publication = Publication.objects.get(submission=submission)
    PublicationEvent.objects.create(
        publication=publication, kind=PublicationEvent.Kind.WITHDRAWN, at=now, by=user
    )
    return publication
