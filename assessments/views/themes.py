"""Answering a theme once: its status and evidence offered to each of its recommendations."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from catalogue.bidi import code_list
from catalogue.models import Theme

from ..access import edit_refusal, get_assessment_for_user
from ..forms import ThemeAnswerForm, format_versions
from ..services.answers import ThemeConflict, theme_answer


def _theme_answers(assessment, theme):
    return list(
        assessment.answers.filter(recommendation__theme_links__theme=theme)
        .with_catalogue()
        .with_translations(through="recommendation__")
        .with_files()
        .select_related("updated_by")
        .in_catalogue_order()
    )


def _seen(answers) -> dict:
    """The hidden fields that say which answers the page showed, and at which version."""
    return {
        "unanswered": format_versions(answer for answer in answers if answer.is_blank),
        "answered": format_versions(answer for answer in answers if not answer.is_blank),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def theme_answers(request, pk: int, slug: str):
    """A theme's answers in the State's assessment and, for its delegation while it may
    edit, the form that answers them all at once (those not answered yet by default)."""
    assessment = get_assessment_for_user(request, pk)
    theme = get_object_or_404(Theme.objects.with_translations(), slug=slug)
    refusal = edit_refusal(request.user, assessment)
    answers = _theme_answers(assessment, theme)
    status = 200
    if request.method == "POST":
        if refusal:
            raise PermissionDenied(refusal)
        form = ThemeAnswerForm(request.POST)
        if form.is_valid():
            try:
                saved = theme_answer(
                    assessment=assessment,
                    theme=theme,
                    content=form.content(),
                    versions=form.targets(),
                    user=request.user,
                )
            except ThemeConflict as error:
                messages.error(request, str(error))
                # What the person typed stays; the page now shows the answers as they
                # are, and replacing answered ones must be confirmed again.
                answers = _theme_answers(assessment, theme)
                data = {**request.POST.dict(), **_seen(answers), "overwrite": ""}
                form = ThemeAnswerForm(data)
                form.is_valid()
                status = 409
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = 400
            else:
                messages.success(
                    request,
                    ngettext(
                        "The theme's answer was given to %(count)s recommendation: %(codes)s.",
                        "The theme's answer was given to %(count)s recommendations: %(codes)s.",
                        len(saved),
                    )
                    % {
                        "count": len(saved),
                        "codes": code_list(
                            answer.recommendation.code
                            for answer in answers
                            if answer.pk in {item.pk for item in saved}
                        ),
                    },
                )
                return redirect("assessments:theme_answers", pk=assessment.pk, slug=theme.slug)
        else:
            status = 400
    else:
        form = ThemeAnswerForm(initial=_seen(answers))
    return render(
        request,
        "assessments/theme_answers.html",
        {
            "assessment": assessment,
            "theme": theme,
            "answers": answers,
            "answered": [answer for answer in answers if not answer.is_blank],
            "unanswered": [answer for answer in answers if answer.is_blank],
            "form": form if not refusal else None,
            "refusal": refusal,
        },
        status=status,
    )
