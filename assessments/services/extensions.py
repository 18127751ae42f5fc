"""More time to submit: the secretariat grants a State an extension in a cycle.

The rule that uses it is `Assessment.deadline_refusal` (through `access.submit_refusal`).
"""

from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser

from delegations.models import MemberState

from ..models import Cycle, Extension


def extension_grant(
    *,
    member_state: MemberState,
    cycle: Cycle,
    until: date,
    reason: str,
    granted_by: AbstractBaseUser,
) -> Extension:
    """Record an extension; being the latest, it is the one in force from now on.

    ValidationError if it would end before the cycle's deadline.
    """
    extension = Extension(
        member_state=member_state, cycle=cycle, until=until, reason=reason, granted_by=granted_by
    )
    extension.full_clean()
    extension.save()
    return extension
