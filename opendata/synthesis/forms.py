"""The secretariat's request for a synthesis report."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from assessments.models import Cycle

from ..models import SynthesisDocument


class SynthesisRequestForm(forms.Form):
    cycle = forms.ModelChoiceField(
        Cycle.objects.all(), to_field_name="code", label=_("Cycle"), widget=forms.HiddenInput
    )
    language = forms.ChoiceField(choices=settings.LANGUAGES, label=_("Language"))
    audience = forms.ChoiceField(
        choices=SynthesisDocument.Audience.choices, label=_("Submissions counted")
    )
