# The benchmarks run on the same small catalogue and open cycle as the assessments' tests.
from tests.assessments.conftest import catalogue, cycle  # noqa: F401
