"""The test client the suite signs in with."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


class SignedInClient(Client):
    """`force_login` stands for a complete sign-in: the password and, for a user with an
    authenticator app (the `secretariat` persona), the code too. The sign-in steps
    themselves are tested in tests/accounts."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
