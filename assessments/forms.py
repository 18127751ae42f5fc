from collections.abc import Iterable

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from r2p_site.fonts import validate_printable

from . import limits
from .models import AnswerStatus
from .services.answers import AnswerContent
from .text import clean_text
from .uploads import ACCEPT, check_upload, clean_filename, sha256_of

MAX_EVIDENCE_LENGTH = limits.EVIDENCE_MAX_CHARS
MAX_LINKS = limits.LINKS_MAX
MAX_LINK_LENGTH = limits.LINK_MAX_CHARS


class TextField(forms.CharField):
    """Typed text stored as `clean_text` leaves it, so that every export can hold it.

    A NUL is refused rather than dropped: PostgreSQL cannot store it and no keyboard
    types it, so whoever sent it should hear which field was wrong.
    """

    def to_python(self, value):
        if isinstance(value, str):
            if "\x00" in value:
                raise ValidationError(
                    _("%(field)s cannot contain a null character (U+0000)."),
                    params={"field": self.label},
                    code="null_characters_not_allowed",
                )
            value = clean_text(value)
        return super().to_python(value)


class LinksField(TextField):
    """Evidence links, one per line. They are stored and shown as text, never fetched."""

    widget = forms.Textarea(attrs={"rows": 2, "spellcheck": "false", "dir": "ltr"})

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value):
        if len(value) > MAX_LINKS:
            raise ValidationError(
                _("Give at most %(max)s links."), params={"max": MAX_LINKS}, code="too_many"
            )
        check = URLValidator(schemes=["http", "https"])
        for link in value:
            if len(link) > MAX_LINK_LENGTH:
                raise ValidationError(
                    _("A link may be at most %(max)s characters long."),
                    params={"max": MAX_LINK_LENGTH},
                )
            try:
                check(link)
            except ValidationError:
                raise ValidationError(
                    _("“%(link)s” is not a web address starting with http:// or https://."),
                    params={"link": link},
                    code="invalid_link",
                ) from None

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Implementation status"),
        choices=AnswerStatus.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    evidence = TextField(
        label=_("Evidence"),
        required=False,
        max_length=MAX_EVIDENCE_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("What your State has done: laws, policies, institutions, programmes."),
    )
    links = LinksField(
        label=_("Evidence links"),
        required=False,
        help_text=_("One web address per line."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    @staticmethod
    def prefix_for(answer_pk) -> str:
        """The prefix of an answer's fields: a page holds one form per answer."""
        return f"r{answer_pk}"

    @classmethod
    def version_name(cls, answer_pk) -> str:
        """The name of the version input, which a save's answer replaces out of band."""
        return f"{cls.prefix_for(answer_pk)}-version"

    def markup(self) -> dict:
        """Plain values for the hand-written markup of answer_fields.html.

        A report page renders dozens of these forms, and every template lookup on a
        BoundField first tries (and fails) to index it: plain dicts render in half the time.
        """

        def values(name):
            field = self[name]
            return {
                "name": field.html_name,
                "id": field.auto_id,
                "label": field.label,
                "help": field.help_text,
                "value": field.value(),
                "errors": " ".join(field.errors),
            }

        status, evidence, links = values("status"), values("evidence"), values("links")
        current = str(status["value"] or "")
        status["options"] = [
            (value, label, f"{status['id']}_{index}", value == current)
            for index, (value, label) in enumerate(self.fields["status"].choices)
        ]
        evidence["maxlength"] = MAX_EVIDENCE_LENGTH
        links["value"] = self.fields["links"].prepare_value(links["value"])
        version = self["version"]
        return {
            "status": status,
            "evidence": evidence,
            "links": links,
            "version": {"name": version.html_name, "id": version.auto_id, "value": version.value()},
        }

    def clean(self):
        data = super().clean()
        # The services' own check (limits and printable characters), so that the form
        # refuses what a save would; each field that passed its own cleaning is checked,
        # and the other given as empty, which passes.
        try:
            limits.check_answer(evidence=data.get("evidence", ""), links=data.get("links", []))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field, messages)
        return data

    def content(self) -> AnswerContent:
        data = self.cleaned_data
        return AnswerContent(status=data["status"], evidence=data["evidence"], links=data["links"])


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Attach a file"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF, Word, Excel, PNG or JPEG."),
    )

    @staticmethod
    def prefix_for(answer_pk) -> str:
        return f"a{answer_pk}"

    @classmethod
    def file_input_name(cls, answer_pk) -> str:
        """The name of the file input in an answer's card, written out in its template."""
        return f"{cls.prefix_for(answer_pk)}-file"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.file_type = check_upload(upload)
        upload.name = clean_filename(upload.name)
        # The name is printed in the country report, so it must be printable too.
        validate_printable(upload.name)
        return upload


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                ".ods,application/vnd.oasis.opendocument.spreadsheet"
            }
        ),
        help_text=_(
            "The workbook downloaded from this assessment, filled in and saved as .xlsx or .ods."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.WORKBOOK_MAX_BYTES:
            raise ValidationError(_("The file is too large for a workbook of an assessment."))
        return upload


class StartAssessmentForm(forms.Form):
    copy_previous = forms.BooleanField(
        label=_("Start from our answers in the previous cycle"), required=False
    )


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        error_messages={"required": _("Tick the box to confirm the submission.")},
    )

    def __init__(self, *args, unanswered: int, **kwargs):
        super().__init__(*args, **kwargs)
        # The box never claims "complete" while answers are missing: it says how many.
        if unanswered:
            label = ngettext(
                "I confirm that this assessment may be submitted on behalf of my State with "
                "%(count)s recommendation not answered. It becomes read-only until the "
                "secretariat returns it.",
                "I confirm that this assessment may be submitted on behalf of my State with "
                "%(count)s recommendations not answered. It becomes read-only until the "
                "secretariat returns it.",
                unanswered,
            ) % {"count": unanswered}
        else:
            label = _(
                "I confirm that this assessment is complete and may be submitted on behalf of "
                "my State. It becomes read-only until the secretariat returns it."
            )
        self.fields["confirm"].label = label


class ReportLanguageForm(forms.Form):
    """The language of a country report rendered from a submission for its delegation or
    the secretariat."""

    language = forms.ChoiceField(label=_("Labels in"), choices=settings.LANGUAGES)


class VerifyForm(forms.Form):
    """A PDF or its SHA-256: either is enough to find the submission it belongs to."""

    file = forms.FileField(label=_("The PDF file"), required=False)
    sha256 = forms.CharField(
        label=_("Or its SHA-256 fingerprint"),
        required=False,
        max_length=100,
        help_text=_("64 hexadecimal characters, as printed by sha256sum or shasum -a 256."),
    )

    def clean_sha256(self):
        value = self.cleaned_data["sha256"].strip().lower()
        if value and (len(value) != 64 or any(c not in "0123456789abcdef" for c in value)):
            raise ValidationError(
                _("A SHA-256 fingerprint is 64 characters, each 0–9 or a–f."), code="invalid"
            )
        return value

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and upload.size > settings.VERIFY_MAX_BYTES:
            raise ValidationError(_("This file is larger than any country report."), code="size")
        return upload

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("file") and not data.get("sha256"):
            raise ValidationError(_("Choose the PDF file or paste its SHA-256 fingerprint."))
        return data

    def fingerprint(self) -> str:
        upload = self.cleaned_data["file"]
        return sha256_of(upload) if upload else self.cleaned_data["sha256"]


class ReviewForm(forms.Form):
    """One form for the review page's buttons: comment, return for revision, accept."""

    ACTIONS = [
        ("comment", _("Add the comment")),
        ("return", _("Return for revision")),
        ("accept", _("Accept")),
    ]

    text = TextField(
        label=_("Comment"),
        required=False,
        max_length=limits.COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    action = forms.ChoiceField(choices=ACTIONS)
    answer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The version the reviewer had before them: return and accept act on it only.
    submission = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # Return and accept act once the reviewer has read what happens next and confirmed.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("action") in ("return", "accept") and not data.get("submission"):
            raise ValidationError(
                _("Reload the review page: it does not say which version you reviewed."),
                code="no_version",
            )
        return data


class CommentReplyForm(forms.Form):
    """The delegation's reply to a secretariat comment."""

    text = TextField(
        label=_("Your reply"),
        max_length=limits.COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )


def _parse_versions(value: str) -> dict[int, int]:
    """ "12:3,14:0" -> {12: 3, 14: 0}: the answers a page showed, with their versions."""
    versions = {}
    for item in filter(None, (value or "").split(",")):
        pk, sep, version = item.partition(":")
        if not (sep and pk.isdigit() and version.isdigit()):
            raise ValidationError(
                _("Reload the page: it does not say which answers you saw."), code="versions"
            )
        versions[int(pk)] = int(version)
    return versions


def format_versions(answers) -> str:
    return ",".join(f"{answer.pk}:{answer.version}" for answer in answers)


class ThemeAnswerForm(AnswerForm):
    """One answer for every recommendation of a theme: the answer's fields and limits, the
    answers the page showed (with their versions), and the confirmation to replace those
    already answered."""

    version = None
    unanswered = forms.CharField(required=False, widget=forms.HiddenInput)
    answered = forms.CharField(required=False, widget=forms.HiddenInput)
    overwrite = forms.BooleanField(required=False)

    def clean_unanswered(self):
        return _parse_versions(self.cleaned_data["unanswered"])

    def clean_answered(self):
        return _parse_versions(self.cleaned_data["answered"])

    def clean(self):
        data = super().clean()
        if not self.errors and not self.targets():
            raise ValidationError(
                _(
                    "Every recommendation of this theme is answered already: tick the box to "
                    "replace those answers, or edit them one by one."
                ),
                code="nothing_to_answer",
            )
        return data

    def targets(self) -> dict[int, int]:
        """The answers to apply the theme to, with the versions the person saw."""
        targets = dict(self.cleaned_data.get("unanswered") or {})
        if self.cleaned_data.get("overwrite"):
            targets.update(self.cleaned_data.get("answered") or {})
        return targets


class PublishForm(forms.Form):
    """The focal point's consent to publish one submission, with the files ticked."""

    # The version previewed: consent is for that text, and no other is published.
    number = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    attachments = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "A file chosen is not one of this submission's files; nothing has been published."
            )
        },
    )
    consent = forms.BooleanField(
        label=_(
            "On behalf of my State, I consent to publishing these answers, their evidence "
            "and links, the official PDF and the files ticked, on this site and in its open "
            "data, until the State withdraws them."
        ),
        error_messages={"required": _("Tick the box to consent to the publication.")},
    )

    def __init__(self, *args, file_ids: Iterable[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].choices = [(pk, str(pk)) for pk in file_ids]


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I confirm that the publication is withdrawn on behalf of my State: its public "
            "page, its files and its open data stop being public at once."
        ),
        error_messages={"required": _("Tick the box to confirm the withdrawal.")},
    )
