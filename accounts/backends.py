from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserWithDelegationBackend(ModelBackend):
    """Django's model backend, reading a signed-in user's delegation with the user.

    Every delegation page and every autosave asks for it (assessments.access), so one
    query per request instead of two.
    """

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("delegation_member").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
