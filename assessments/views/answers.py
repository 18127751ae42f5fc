from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from catalogue.bidi import ltr_isolated

from ..access import (
    get_answer_for_user,
    get_assessment_for_user,
    get_editable_answer,
    may_edit,
)
from ..forms import AnswerForm
from ..models import Answer
from ..services.answers import AnswerConflict, answer_save
from .cards import (
    CARD_TEMPLATE,
    STATUS_LABELS,
    Card,
    answer_form,
    answer_themes,
    card_comments,
    card_files,
    card_texts,
    card_themes,
    card_urls,
    render_cards,
)


def _report_answers(assessment, report):
    return (
        assessment.answers.filter(recommendation__section__report=report)
        .select_related("recommendation__section", "updated_by")
        .with_translations(through="recommendation__")
        .in_catalogue_order()
    )


def render_report_page(
    request,
    assessment,
    report,
    *,
    reports=None,
    bound=None,
    conflict=None,
    upload_errors=None,
    status=200,
):
    """The report page; `reports` are the cycle's in order (read here if not given),
    `bound` is a submitted form to show with its errors or conflict, `upload_errors` the
    reasons a file was refused, by answer."""
    answers = list(_report_answers(assessment, report))
    editable = may_edit(request.user, assessment)
    urls = card_urls(assessment.pk)
    pks = [answer.pk for answer in answers]
    themes = card_themes(assessment.pk, answers)
    files = card_files(pks, urls)
    comments = card_comments(pks, urls)
    cards = [
        Card(
            answer,
            bound
            if bound is not None and bound.prefix == AnswerForm.prefix_for(answer.pk)
            else None,
            conflict=conflict if conflict and conflict.pk == answer.pk else None,
            editable=editable,
            urls=urls,
            upload_errors=(upload_errors or {}).get(answer.pk, []),
            themes=themes[answer.recommendation_id],
            files=files[answer.pk],
            comments=comments[answer.pk],
        )
        for answer in answers
    ]
    # One token for every form of the page, the cards' and the layout's.
    csrf_token = get_token(request)
    if reports is None:
        reports = list(assessment.cycle.reports.order_by("year").only("year", "title"))
    index = next(i for i, item in enumerate(reports) if item.pk == report.pk)
    return render(
        request,
        "assessments/report_answers.html",
        {
            "assessment": assessment,
            "report": report,
            "paragraphs": answers[0].recommendation.section.paragraphs if answers else "",
            "cards": render_cards(cards, card_texts(), csrf_token),
            "csrf_token": csrf_token,
            "editable": editable,
            "previous_report": reports[index - 1] if index > 0 else None,
            "next_report": reports[index + 1] if index + 1 < len(reports) else None,
        },
        status=status,
    )


@require_safe
def report_answers(request, pk: int, year: int):
    assessment = get_assessment_for_user(request, pk)
    # The report and, for the links to the previous and next ones, the cycle's others.
    reports = list(assessment.cycle.reports.with_translations().order_by("year"))
    report = next((item for item in reports if item.year == year), None)
    if report is None:
        raise Http404
    return render_report_page(request, assessment, report, reports=reports)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@require_POST
def answer_save_view(request, pk: int, answer_pk: int):
    """Save one answer: an htmx autosave (answers a fragment) or a plain form post.

    A save refused because the assessment was submitted meanwhile answers 403 with the
    reason; an autosave shows it in place of "Saved" and keeps the typed text.
    """
    try:
        return _save(request, pk, answer_pk)
    except PermissionDenied as error:
        if not _is_htmx(request):
            raise
        return render(
            request,
            "assessments/includes/save_state.html",
            {"answer": Answer(pk=answer_pk), "refusal": str(error)},
            status=403,
        )


def _save(request, pk: int, answer_pk: int) -> HttpResponse:
    answer = get_editable_answer(request, pk, answer_pk)
    form = _parse(request, answer)
    outcome = _save_parsed(request, answer, form) if form.is_valid() else None
    if isinstance(outcome, AnswerConflict):
        return _conflict_card(request, answer, outcome.current)
    if outcome is None:
        return _errors(request, answer, form)
    if _is_htmx(request):
        return _saved_fragment(request, outcome)
    return _redirect_to_answer(request, answer)


def _parse(request, answer: Answer) -> AnswerForm:
    """The answer as posted, checked: whatever is wrong is in the form's errors."""
    form = answer_form(answer, request.POST)
    form.is_valid()
    return form


def _save_parsed(request, answer: Answer, form: AnswerForm) -> Answer | AnswerConflict | None:
    """The saved answer; the conflict if a colleague saved it since the form's version;
    None if the service refused what the form let through (its reasons are on the form)."""
    try:
        return answer_save(
            answer=answer,
            content=form.content(),
            base_version=form.cleaned_data["version"],
            user=request.user,
        )
    except AnswerConflict as conflict:
        return conflict
    except ValidationError as error:
        for name, errors in error.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
        return None


def _saved_fragment(request, saved: Answer) -> HttpResponse:
    """An autosave's answer: the new save state and version, or the card as it is now
    once a conflict is resolved, autosaving again."""
    if request.POST.get("resolve"):
        card = Card(saved, None, themes=answer_themes(saved))
        return render(request, CARD_TEMPLATE, {"card": card, "texts": card_texts()})
    return render(
        request,
        "assessments/includes/save_state.html",
        {"answer": saved, "version_name": AnswerForm.version_name(saved.pk)},
    )


def _conflict_card(request, answer: Answer, current: Answer) -> HttpResponse:
    """A colleague saved first: their version beside this person's, who keeps what they
    typed; the form now carries the current version, so that the next save knowingly
    replaces it. An autosave gets the card, a plain post the page (409)."""
    data = {**request.POST.dict(), AnswerForm.version_name(answer.pk): current.version}
    form = answer_form(answer, data)
    form.is_valid()
    if not _is_htmx(request):
        return _report_page_with(request, answer, form, conflict=current, status=409)
    card = Card(answer, form, conflict=current, themes=answer_themes(answer))
    response = render(request, CARD_TEMPLATE, {"card": card, "texts": card_texts()})
    response["HX-Retarget"] = f"#answer-{answer.pk}"
    response["HX-Reswap"] = "outerHTML"
    return response


def _redirect_to_answer(request, answer: Answer) -> HttpResponse:
    """A plain post saved: back to the answer on its report page, with a message."""
    messages.success(
        request,
        _("Your answer to %(code)s has been saved.")
        % {"code": ltr_isolated(answer.recommendation.code)},
    )
    report = answer.recommendation.section.report
    url = reverse("assessments:report_answers", args=[answer.assessment_id, report.year])
    return redirect(f"{url}#answer-{answer.pk}")


def _errors(request, answer: Answer, form: AnswerForm) -> HttpResponse:
    """Nothing saved: an autosave says why in place of "Saved" (the typed text stays in
    the page); a plain post gets the page with the form and its errors (400)."""
    if _is_htmx(request):
        return render(
            request, "assessments/includes/save_state.html", {"answer": answer, "form": form}
        )
    return _report_page_with(request, answer, form, status=400)


def _report_page_with(
    request, answer: Answer, form: AnswerForm, *, status: int, conflict: Answer | None = None
) -> HttpResponse:
    report = answer.recommendation.section.report
    return render_report_page(
        request, answer.assessment, report, bound=form, conflict=conflict, status=status
    )


@require_safe
def answer_history(request, pk: int, answer_pk: int):
    assessment = get_assessment_for_user(request, pk)
    answer = get_answer_for_user(request, assessment, answer_pk)
    changes = answer.changes.select_related("changed_by")
    return render(
        request,
        "assessments/answer_history.html",
        {
            "assessment": assessment,
            "answer": answer,
            "changes": changes,
            "status_labels": STATUS_LABELS,
        },
    )
