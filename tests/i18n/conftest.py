# The assessments tests' small catalogue, open cycle and Norway's assessment; importing
# them makes them available here.
from tests.assessments.conftest import (  # noqa: F401
    catalogue,
    cycle,
    norway_assessment,
)
