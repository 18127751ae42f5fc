from django import forms
from django.utils.translation import gettext_lazy as _

MAX_QUERY_LENGTH = 200


class RecommendationFilterForm(forms.Form):
    """The recommendations page's filters, read from the query string so URLs can be shared."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. hate speech")}),
    )
    year = forms.TypedChoiceField(label=_("Report"), required=False, coerce=int, empty_value=None)
    target = forms.ChoiceField(label=_("Addressed to"), required=False)

    def __init__(self, *args, reports, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All reports"))] + [
            (report.year, f"{report.year} – {report.title}") for report in reports
        ]
        self.fields["target"].choices = [("", _("All addressees"))] + [
            (target.code, target.label) for target in targets
        ]
