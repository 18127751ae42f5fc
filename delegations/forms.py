from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from r2p_site.fonts import validate_printable


class InvitationAcceptForm(forms.Form):
    """The new account's name, username and password (checked by Django's validators)."""

    # Country reports print who submitted and who last changed an answer.
    first_name = forms.CharField(
        label=_("First name"), max_length=150, validators=[validate_printable]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, validators=[validate_printable]
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator(), validate_printable],
        help_text=_("What you will type to sign in. Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        # What the user model refuses in a name (line breaks, bidirectional overrides),
        # refused here too: a plain form runs no model validation.
        for name in ("first_name", "last_name"):
            field = self.fields[name]
            field.validators += [
                validator
                for validator in get_user_model()._meta.get_field(name).validators
                if validator not in field.validators
            ]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken. Choose another."))
        return username

    def clean(self):
        cleaned_data = super().clean()
        password1, password2 = cleaned_data.get("password1"), cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            user = get_user_model()(
                username=cleaned_data.get("username", ""),
                email=self.email,
                first_name=cleaned_data.get("first_name", ""),
                last_name=cleaned_data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned_data


class InviteEditorForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
