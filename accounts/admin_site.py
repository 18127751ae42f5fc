"""The secretariat desk's admin site: staff must have passed the second sign-in step.

`admin.site` is this site (accounts.apps.SecretariatAdminConfig).
"""

from csp.decorators import csp_update
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp.admin import OTPAdminSite


class SecretariatAdminSite(OTPAdminSite):
    # django-otp's admin login asks for the code on the password form. The admin
    # login stays Django's password form instead: after it, TwoFactorMiddleware
    # sends the person to the same second step as the site's sign-in, so there is
    # one place that checks codes and throttles them.
    login_form = AdminAuthenticationForm
    login_template = None

    def __init__(self, name="admin"):
        super().__init__(name)

    def admin_view(self, view, cacheable=False):
        # The admin's jQuery widgets (autocomplete, the two-box selector, calendars)
        # write inline styles; scripts stay limited to the site's own files.
        return csp_update({"style-src": ["'unsafe-inline'"]})(super().admin_view(view, cacheable))
