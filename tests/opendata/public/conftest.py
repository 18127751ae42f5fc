# The assessment fixtures (a small catalogue, an open cycle) are the assessments tests';
# importing them makes them available here.
from tests.assessments.conftest import catalogue, cycle  # noqa: F401
