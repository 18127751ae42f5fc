"""The answer cards of a report page: what each shows, read into plain values, and each
rendered once per version of those values, language and viewer, kept in the process's
memory (settings.CACHES["cards"]) with the page's CSRF token put in afterwards."""

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context
from django.template.defaultfilters import filesizeformat
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalogue.models import ThemeLink
from catalogue.templatetags.catalogue_tags import in_language

from ..forms import AnswerForm, AttachmentForm
from ..models import Answer, AnswerStatus, Attachment, ReviewComment
from ..uploads import ACCEPT

CARD_TEMPLATE = "assessments/includes/answer_card.html"
# The cache alias of rendered cards (settings.CACHES): each process's own memory.
CARD_CACHE = "cards"


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
# A card's URL makers by name (card_urls): each takes the last argument of its URL.
CardUrls = dict[str, Callable[[object], str]]


def _url_maker(name: str, *args) -> Callable[[object], str]:
    """`reverse` of the URL `name` with `args` and one more argument, the last, made once:
    for numbers and slugs, which reverse() writes as they are."""
    url = reverse(f"assessments:{name}", args=[*args, _SENTINEL])
    head, _sentinel, tail = url.rpartition(str(_SENTINEL))
    return lambda pk: f"{head}{pk}{tail}"


def card_urls(assessment_pk: int) -> CardUrls:
    """URL makers for a page of cards: reverse() once each, not once per card (~25 µs)."""
    urls = {
        name: _url_maker(name, assessment_pk)
        for name in ("answer_save", "answer_history", "attachment_upload")
    }
    urls.update({name: _url_maker(name) for name in ("attachment_download", "attachment_delete")})
    detail = reverse("assessments:assessment_detail", args=[assessment_pk])
    urls["comment"] = lambda pk: f"{detail}#comment-{pk}"
    return urls


@dataclass(frozen=True)
class CardTheme:
    url: str
    # The theme's name in the page's language (`in_language`).
    name: SafeString


def card_themes(assessment_pk: int, answers: list[Answer]) -> dict[int, tuple[CardTheme, ...]]:
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
    theme_url = _url_maker("theme_answers", assessment_pk)
    shown, themes = {}, defaultdict(tuple)
    for link in links:
        slug = link.theme.slug
        if slug not in shown:
            shown[slug] = CardTheme(theme_url(slug), in_language(link.theme, "name"))
        themes[link.recommendation_id] += (shown[slug],)
    return themes


def answer_themes(answer: Answer) -> tuple[CardTheme, ...]:
    """`card_themes` for the one card an autosave sends back."""
    return card_themes(answer.assessment_id, [answer])[answer.recommendation_id]


@dataclass(frozen=True)
class CardFile:
    url: str
    name: str
    size: int
    remove_url: str


@dataclass(frozen=True)
class CardComment:
    """A secretariat comment as a card shows it: whether it is addressed, not by whom."""

    url: str
    written_at: datetime
    text: str
    addressed: bool


def card_files(answer_pks: Iterable[int], urls: CardUrls) -> dict[int, tuple[CardFile, ...]]:
    """The files of each answer, by answer id, in the order they were added: one query."""
    files = defaultdict(tuple)
    rows = (
        Attachment.objects.filter(answer__in=answer_pks)
        .order_by("pk")
        .values_list("answer_id", "pk", "original_name", "size")
    )
    for answer_pk, pk, name, size in rows:
        files[answer_pk] += (
            CardFile(urls["attachment_download"](pk), name, size, urls["attachment_delete"](pk)),
        )
    return files


def card_comments(answer_pks: Iterable[int], urls: CardUrls) -> dict[int, tuple[CardComment, ...]]:
    """The secretariat's comments on each answer, by answer id, oldest first: one query."""
    comments = defaultdict(tuple)
    rows = ReviewComment.objects.filter(answer__in=answer_pks).values_list(
        "answer_id", "pk", "written_at", "text", "addressed_at"
    )
    for answer_pk, pk, written_at, text, addressed_at in rows:
        comments[answer_pk] += (
            CardComment(urls["comment"](pk), written_at, text, addressed_at is not None),
        )
    return comments


# What get_status_display() reads, made once: it builds the choices again for each call
# (~20 µs).
STATUS_LABELS = dict(AnswerStatus.choices)

# What a card is made from but does not show as such: the objects its values are read
# from, and what makes it a card of one request (a form as posted, a conflict).
_NOT_SHOWN = {"answer", "form", "conflict", "urls", "upload_errors"}
# Shown, and read only when shown: a conflict card says nothing of the last save, and its
# answer comes without the user who made it.
_SHOWN_WHEN_READ = ("updated_by",)


@dataclass
class Card:
    """What one answer card shows, read once into plain values.

    The card's template reads these values (and the texts every card shares) and nothing
    else, so that a card rendered once can be shown again as long as none of them
    changes: `cache_key` is made of all of them. `files` and `comments` are read for this
    answer alone unless given (a page reads them for all its answers in one query each).
    """

    answer: Answer
    # A form as posted (with its errors, or after a conflict); None for the answer as saved.
    form: AnswerForm | None
    conflict: Answer | None = None
    editable: bool = True
    urls: CardUrls | None = None
    upload_errors: list | None = None
    # The themes the recommendation belongs to, each with the page that answers it once.
    themes: tuple[CardTheme, ...] = ()
    files: tuple[CardFile, ...] | None = None
    comments: tuple[CardComment, ...] | None = None

    # A string: the template engine localizes every number it prints, at a cost.
    pk: str = field(init=False)
    code: str = field(init=False)
    text: SafeString = field(init=False)
    status: str = field(init=False)
    status_display: str = field(init=False)
    evidence: str = field(init=False)
    links: tuple[str, ...] = field(init=False)
    version: int = field(init=False)
    updated_at: datetime | None = field(init=False)
    save_url: str = field(init=False)
    history_url: str = field(init=False)
    upload_url: str = field(init=False)
    file_input_name: str = field(init=False)

    def __post_init__(self):
        answer = self.answer
        self.pk = str(answer.pk)
        urls = self.urls or card_urls(answer.assessment_id)
        if self.files is None:
            self.files = card_files([answer.pk], urls)[answer.pk]
        if self.comments is None:
            self.comments = card_comments([answer.pk], urls)[answer.pk]
        self.code = answer.recommendation.code
        self.text = in_language(answer.recommendation, "text")
        self.status = answer.status
        self.status_display = str(STATUS_LABELS.get(answer.status, answer.status))
        self.evidence = answer.evidence
        self.links = tuple(answer.links)
        self.version = answer.version
        self.updated_at = answer.updated_at
        self.save_url = urls["answer_save"](self.pk)
        self.history_url = urls["answer_history"](self.pk)
        self.upload_url = urls["attachment_upload"](self.pk) if self.editable else ""
        self.file_input_name = AttachmentForm.file_input_name(self.pk)

    @cached_property
    def updated_by(self) -> str:
        return str(self.answer.updated_by) if self.answer.updated_by_id else ""

    @cached_property
    def markup(self) -> dict | None:
        """The values of the form's markup (`AnswerForm.markup`); None when read-only. Made
        only for a card not kept from an earlier page."""
        if self.form is not None:
            return self.form.markup()
        return answer_form(self.answer).markup() if self.editable else None

    @property
    def cacheable(self) -> bool:
        return self.form is None and self.conflict is None and not self.upload_errors

    def cache_key(self, page: str) -> str:
        """A key made of everything the card shows, with `page` (what every card of a page
        shares): a card that shows anything else has another key."""
        names = [item.name for item in fields(self) if item.name not in _NOT_SHOWN]
        shown = tuple((name, getattr(self, name)) for name in [*names, *_SHOWN_WHEN_READ])
        return hashlib.sha256(repr((page, shown)).encode()).hexdigest()


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


def _csrf_input(token: str) -> str:
    """The hidden input of `{% csrf_token %}`, as Django's own tag writes it."""
    return CsrfTokenNode().render(Context({"csrf_token": token}))


# Cards are rendered and kept with this token in their forms, and each page puts in its
# own: a token belongs to one user's session and never goes into what another may see.
# Nothing typed can imitate the input it makes, since a card escapes every "<" typed.
_CSRF_STAND_IN = "csrf-token-of-the-request"
_CSRF_STAND_IN_INPUT = _csrf_input(_CSRF_STAND_IN)


def render_cards(cards: list[Card], texts: dict, csrf_token: str) -> list[SafeString]:
    """The HTML of each card: kept from an earlier page where the card shows the same (in
    this process's memory, `CARD_CACHE`), rendered otherwise.

    The template engine spends about 0.35 ms on a card; a card kept costs its key and a
    look-up, about 0.02 ms, and no query.
    """
    page = repr((get_language(), timezone.get_current_timezone_name(), sorted(texts.items())))
    keys = {card.pk: card.cache_key(page) for card in cards if card.cacheable}
    cache = caches[CARD_CACHE]
    kept = cache.get_many(keys.values())
    template, rendered, html = None, {}, []
    for card in cards:
        key = keys.get(card.pk)
        text = kept.get(key) if key else None
        if text is None:
            template = template or get_template(CARD_TEMPLATE)
            context = {"card": card, "texts": texts, "csrf_token": _CSRF_STAND_IN}
            text = template.render(context)
            if key:
                rendered[key] = text
        html.append(text)
    if rendered:
        cache.set_many(rendered)
    token = _csrf_input(csrf_token)
    # Safe: the cards as their template escaped them, with Django's own CSRF input put in.
    return [mark_safe(text.replace(_CSRF_STAND_IN_INPUT, token)) for text in html]  # noqa: S308


@receiver(file_changed, dispatch_uid="answer_cards_file_changed")
@receiver(setting_changed, dispatch_uid="answer_cards_setting_changed")
def _forget_rendered_cards(**kwargs) -> None:
    # What a key leaves out changes only with a restart, except in development, where
    # runserver takes in an edited template or translation without one (Django's own
    # receivers of file_changed), and in tests, which change settings.
    caches[CARD_CACHE].clear()
