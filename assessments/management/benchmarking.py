"""What the benchmark and benchmark-data commands share."""

from django.core.management.base import CommandError

from assessments.models import Cycle, MemberState


def open_cycle() -> Cycle:
    """The latest open cycle, which the benchmarks measure; refuse an empty database."""
    cycle = Cycle.objects.filter(is_open=True).first()  # latest first (Meta.ordering)
    if cycle is None or not MemberState.objects.exists():
        raise CommandError("Load the reference data first: manage.py load_reference_data")
    return cycle
