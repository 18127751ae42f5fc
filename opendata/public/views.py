"""The public pages of published assessments: the States that published, per cycle; one
State's published answers, its official PDF and the files its focal point ticked.

Everything here reads through `assessments.selectors.publication`: a submission that is
not published now (never published, withdrawn, not the latest, not accepted) has no
page, no PDF and no file here.
"""

from collections import defaultdict

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from assessments.downloads import private_download
from assessments.models import Cycle
from assessments.selectors.publication import (
    public_content,
    published_submission,
    published_submissions,
    submission_files,
    was_withdrawn,
)
from delegations.collation import by_state_name

from .caching import revalidated


@require_safe
@login_not_required
@revalidated
def published_list(request):
    """Every cycle with a published assessment, and the States that published, in the
    order of their names in the reader's language. Three queries, whatever the count."""
    submissions = list(published_submissions())
    by_cycle = defaultdict(list)
    for submission in submissions:
        by_cycle[submission.assessment.cycle_id].append(submission)
    cycles = Cycle.objects.with_translations().filter(pk__in=by_cycle)
    language = get_language()
    rows = [
        {
            "cycle": cycle,
            "states": [
                {
                    "name": submission.assessment.member_state.name_in(language),
                    "iso3": submission.assessment.member_state.iso3,
                    "published_at": submission.publication.published_at,
                }
                for submission in by_state_name(
                    by_cycle[cycle.pk], state=lambda s: s.assessment.member_state
                )
            ],
        }
        for cycle in cycles
    ]
    return render(request, "opendata/published_list.html", {"rows": rows})


def _published_or_gone(request, cycle_code: str, iso3: str):
    """The submission public now, or the page of a withdrawn one (410), or 404."""
    submission = published_submission(cycle_code=cycle_code, iso3=iso3)
    if submission is not None:
        return submission, None
    if not was_withdrawn(cycle_code=cycle_code, iso3=iso3):
        raise Http404
    return None, render(request, "opendata/published_withdrawn.html", status=410)


@require_safe
@login_not_required
@revalidated
def published_state(request, cycle_code: str, iso3: str):
    """One State's published assessment: its answers, the official PDF and its hash."""
    if iso3 != iso3.upper():
        # One address a page, the code as ISO 3166 writes it: links and citations agree.
        return redirect("opendata:published_state", cycle_code, iso3.upper(), permanent=True)
    submission, gone = _published_or_gone(request, cycle_code, iso3)
    if gone:
        return gone
    ticked = set(submission.publication.attachments.values_list("pk", flat=True))
    return render(
        request,
        "opendata/published_state.html",
        {
            "submission": submission,
            "publication": submission.publication,
            "content": public_content(submission, files=ticked),
        },
    )


@require_safe
@login_not_required
@revalidated
def published_pdf(request, cycle_code: str, iso3: str):
    """The official country report of a published assessment, as stored at submission."""
    submission = published_submission(cycle_code=cycle_code, iso3=iso3)
    if submission is None or not submission.pdf:
        raise Http404
    return private_download(
        submission.pdf, filename=submission.pdf_filename(), content_type="application/pdf"
    )


@require_safe
@login_not_required
@revalidated
def published_file(request, cycle_code: str, iso3: str, attachment_id: int):
    """A file the focal point ticked when publishing; any other answers 404."""
    submission = published_submission(cycle_code=cycle_code, iso3=iso3)
    if submission is None:
        raise Http404
    if not submission.publication.attachments.filter(pk=attachment_id).exists():
        raise Http404
    attachment = submission_files(submission).get(attachment_id)
    if attachment is None:
        raise Http404
    # Served as the private files are: an uploaded file never runs as a page of the
    # site, and no cache keeps it once the State withdraws it.
    return private_download(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )
