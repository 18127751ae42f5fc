from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from catalogue.bidi import ltr_isolated
from catalogue.models import Theme, ThemeLink

from ..access import (
    get_answer_for_user,
    get_assessment_for_user,
    get_editable_answer,
    may_edit,
)
from ..forms import AnswerForm, AttachmentForm
from ..models import Answer, AnswerStatus
from ..services.answers import AnswerConflict, answer_save
from ..uploads import ACCEPT


def answer_form(answer: Answer, data=None) -> AnswerForm:
    return AnswerForm(
        data,
        prefix=AnswerForm.prefix_for(answer.pk),
        initial={
            "status": answer.status,
            "evidence": answer.evidence,
            "links": answer.links,
            "version": answer.version,
        },
    )


_SENTINEL = 987654321


def card_urls(assessment_pk: int) -> dict:
    """URL makers for a page of cards: reverse() once each, not once per card (~25 µs)."""

    def maker(name):
        url = reverse(f"assessments:{name}", args=[assessment_pk, _SENTINEL])
        head, _sentinel, tail = url.rpartition(str(_SENTINEL))
        return lambda pk: f"{head}{pk}{tail}"

    return {name: maker(name) for name in ("answer_save", "answer_history", "attachment_upload")}


@dataclass(frozen=True)
class CardTheme:
    theme: Theme
    url: str


def card_themes(assessment_pk: int, answers) -> dict[int, list[CardTheme]]:
    """The themes of each answer's recommendation, by recommendation id: one query (two
    in a language with translations), whatever the number of answers."""
    links = (
        ThemeLink.objects.filter(
            recommendation__in=[answer.recommendation_id for answer in answers]
        )
        .select_related("theme")
        .with_translations(through="theme__")
        .order_by("theme__position", "theme__name")
    )
    urls, themes = {}, defaultdict(list)
    for link in links:
        slug = link.theme.slug
        if slug not in urls:
            urls[slug] = reverse("assessments:theme_answers", args=[assessment_pk, slug])
        themes[link.recommendation_id].append(CardTheme(link.theme, urls[slug]))
    return themes


def answer_themes(answer: Answer) -> list[CardTheme]:
    """`card_themes` for the one card an autosave sends back."""
    return card_themes(answer.assessment_id, [answer])[answer.recommendation_id]


@dataclass
class Card:
    """What one answer card shows; texts and URLs are prepared because a page holds dozens."""

    answer: Answer
    form: AnswerForm | None
    conflict: Answer | None = None
    editable: bool = True
    urls: dict | None = None
    upload_errors: list | None = None
    # The themes the recommendation belongs to, each with the page that answers it once.
    themes: list[CardTheme] = field(default_factory=list)

    def __post_init__(self):
        # A string: the template engine localizes every number it prints, at a cost.
        self.pk = str(self.answer.pk)
        urls = self.urls or card_urls(self.answer.assessment_id)
        self.save_url = urls["answer_save"](self.pk)
        self.history_url = urls["answer_history"](self.pk)
        self.upload_url = urls["attachment_upload"](self.pk) if self.editable else ""
        self.file_input_name = AttachmentForm.file_input_name(self.pk)


def card_texts() -> dict:
    """Texts every card repeats, translated once per page rather than once per card."""
    return {
        "save": _("Save"),
        "save_mine": _("Save my version"),
        "attachments": _("Attachments"),
        "no_files": _("No files attached."),
        "attach": _("Attach a file"),
        "accept": ACCEPT,
        "upload_help": _("PDF, Word, Excel, PNG or JPEG, at most %(size)s.")
        % {"size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)},
        "upload": _("Upload"),
        "history": _("History of changes"),
        "secretariat": _("Comment from the secretariat"),
        "themes": _("Themes:"),
    }


def _report_answers(assessment, report):
    return (
        assessment.answers.filter(recommendation__section__report=report)
        .with_catalogue()
        .with_translations(through="recommendation__")
        .with_files()
        .select_related("updated_by")
        .prefetch_related("review_comments")
        .in_catalogue_order()
    )


def render_report_page(
    request, assessment, report, *, bound=None, conflict=None, upload_errors=None, status=200
):
    """The report page; `bound` is a submitted form to show with its errors or conflict,
    `upload_errors` the reasons a file was refused, by answer."""
    answers = list(_report_answers(assessment, report))
    editable = may_edit(request.user, assessment)
    urls = card_urls(assessment.pk)
    themes = card_themes(assessment.pk, answers)
    cards = [
        Card(
            answer,
            bound
            if bound is not None and bound.prefix == AnswerForm.prefix_for(answer.pk)
            else (answer_form(answer) if editable else None),
            conflict=conflict if conflict and conflict.pk == answer.pk else None,
            editable=editable,
            urls=urls,
            upload_errors=(upload_errors or {}).get(answer.pk, []),
            themes=themes[answer.recommendation_id],
        )
        for answer in answers
    ]
    reports = list(assessment.cycle.reports.order_by("year").only("year", "title"))
    index = next(i for i, item in enumerate(reports) if item.pk == report.pk)
    return render(
        request,
        "assessments/report_answers.html",
        {
            "assessment": assessment,
            "report": report,
            "paragraphs": answers[0].recommendation.section.paragraphs if answers else "",
            "cards": cards,
            "texts": card_texts(),
            "editable": editable,
            "previous_report": reports[index - 1] if index > 0 else None,
            "next_report": reports[index + 1] if index + 1 < len(reports) else None,
        },
        status=status,
    )


@require_safe
def report_answers(request, pk: int, year: int):
    assessment = get_assessment_for_user(request, pk)
    report = get_object_or_404(assessment.cycle.reports.with_translations(), year=year)
    return render_report_page(request, assessment, report)


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


def _save(request, pk: int, answer_pk: int):
    answer = get_editable_answer(request, pk, answer_pk)
    assessment = answer.assessment
    report = answer.recommendation.section.report
    form = answer_form(answer, request.POST)
    conflict = None
    if form.is_valid():
        try:
            saved = answer_save(
                answer=answer,
                content=form.content(),
                base_version=form.cleaned_data["version"],
                user=request.user,
            )
        except AnswerConflict as error:
            conflict = error.current
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            if _is_htmx(request) and request.POST.get("resolve"):
                # The conflict is resolved: show the card as it is now, autosaving again.
                card = Card(saved, answer_form(saved), themes=answer_themes(saved))
                return render(
                    request,
                    "assessments/includes/answer_card.html",
                    {"card": card, "texts": card_texts()},
                )
            if _is_htmx(request):
                return render(
                    request,
                    "assessments/includes/save_state.html",
                    {"answer": saved, "version_name": AnswerForm.version_name(saved.pk)},
                )
            messages.success(
                request,
                _("Your answer to %(code)s has been saved.")
                % {"code": ltr_isolated(answer.recommendation.code)},
            )
            url = reverse("assessments:report_answers", args=[assessment.pk, report.year])
            return redirect(f"{url}#answer-{answer.pk}")

    if conflict is not None:
        # Keep what this person typed, show the other version, and let the next save
        # knowingly replace it: the form now carries the current version.
        form = answer_form(
            answer, {**request.POST.dict(), form.add_prefix("version"): conflict.version}
        )
        form.is_valid()
    if _is_htmx(request):
        template = (
            "assessments/includes/answer_card.html"
            if conflict is not None
            else "assessments/includes/save_state.html"
        )
        result = render(
            request,
            template,
            {
                "card": Card(
                    answer,
                    form,
                    conflict=conflict,
                    themes=answer_themes(answer) if conflict is not None else [],
                ),
                "texts": card_texts(),
                "answer": answer,
                "form": form,
            },
        )
        if conflict is not None:
            result["HX-Retarget"] = f"#answer-{answer.pk}"
            result["HX-Reswap"] = "outerHTML"
        return result
    return render_report_page(
        request, assessment, report, bound=form, conflict=conflict, status=409 if conflict else 400
    )


STATUS_LABELS = dict(AnswerStatus.choices)


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
