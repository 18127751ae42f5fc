"""What the ModelAdmins of several apps share."""


class RecordAdmin:
    """A record: never changed or deleted in the admin, whoever asks. Added there only
    when `may_add` (an extension granted, an invitation sent); otherwise the site writes
    it (a submission, an e-mail, the log)."""

    may_add = False

    def has_add_permission(self, request, *args):
        return self.may_add and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
