from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Report, translation_languages
from . import limits


class UploadForm(forms.Form):
    report = forms.ModelChoiceField(label=_("Report"), queryset=Report.objects.order_by("year"))
    language = forms.ChoiceField(label=_("Language of the document"), choices=translation_languages)
    document = forms.FileField(
        label=_("Official document"),
        help_text=_(
            "The report as the UN's documents system publishes it in that language: a .docx, "
            "a PDF with text, or plain text in UTF-8, up to %(size)d MB."
        )
        % {"size": limits.MAX_DOCUMENT_BYTES // (1024 * 1024)},
    )

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document.size > limits.MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB."),
                params={"size": limits.MAX_DOCUMENT_BYTES // (1024 * 1024)},
                code="too_big",
            )
        return document
