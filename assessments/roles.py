"""Who may belong to a delegation (the groups of permissions are in r2p_site.roles).

Two roles never mix: secretariat staff review in the admin, delegation users answer
on the site. A staff or superuser account never belongs to a delegation, so nothing
a staff member is granted in the admin can make them answer for a State.
"""

from django.db.models import Q

# The accounts that may be delegation members; the admin offers only these.
DELEGATE_CANDIDATES = Q(is_active=True, is_staff=False, is_superuser=False)


def may_be_delegate(user) -> bool:
    return user.is_active and not user.is_staff and not user.is_superuser
