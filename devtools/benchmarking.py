"""What the benchmark and benchmark-data commands share."""

from django.conf import settings
from django.core.management.base import CommandError

from assessments.models import Cycle, MemberState


def refuse_in_production() -> None:
    """Every command here writes, even those that roll back: in production the rows they
    lock or create (an open cycle, users) would be the delegations' own."""
    if settings.PRODUCTION:
        raise CommandError("Development tools never run in production (DJANGO_ENV=production).")


def open_cycle() -> Cycle:
    """The latest open cycle, which the benchmarks measure; refuse an empty database."""
    cycle = Cycle.objects.filter(is_open=True).first()  # latest first (Meta.ordering)
    if cycle is None or not MemberState.objects.exists():
        raise CommandError("Load the reference data first: manage.py load_reference_data")
    return cycle
