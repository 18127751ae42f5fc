"""Who may belong to a delegation (the groups of permissions are in r2p_site.roles).

Two roles never mix: secretariat staff review in the admin, delegation users answer
on the site. A staff or superuser account never belongs to a delegation, so nothing
a staff member is granted in the admin can make them answer for a State.
"""

from django.db.models import Q

from .models import Member

# The accounts that may be delegation members; the admin offers only these.
MEMBER_CANDIDATES = Q(is_active=True, is_staff=False, is_superuser=False)


def may_be_member(user) -> bool:
    return user.is_active and not user.is_staff and not user.is_superuser


def member_of(user) -> Member | None:
    """The user's place in a delegation; never one for a staff, superuser or inactive
    account.

    Every delegation page and write goes through here, so a member row that reached a
    staff account by any path (a stray row, a user made staff later) never lets the
    secretariat answer for a State.
    """
    if not user.is_authenticated or not may_be_member(user):
        return None
    try:
        return user.delegation_member
    except Member.DoesNotExist:
        return None
