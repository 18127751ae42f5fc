"""What every request would otherwise load cold, loaded when a web or worker process
starts: the shipped fonts' character maps (the first save or submit holding a non-ASCII
character read them all: 288 ms against a 22 ms autosave), and the templates of the
pages and documents people use most (compiled once per process by the cached loader)."""

import logging
import time

from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from . import fonts

logger = logging.getLogger(__name__)

TEMPLATES = (
    "base.html",
    "home.html",
    "assessments/assessment_detail.html",
    "assessments/report_answers.html",
    "assessments/includes/answer_card.html",
    "assessments/pdf/country_report.html",
    "emails/base.html",
)


def warm() -> float:
    """Load them; the seconds it took."""
    start = time.perf_counter()
    fonts.unprintable("é")  # builds the character maps' pattern, kept for the process
    for name in TEMPLATES:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            logger.warning("warm: no template %s", name)
    took = time.perf_counter() - start
    logger.info("warmed in %.2f s", took)
    return took
