import pytest
from django.core.cache import cache
from django.test import Client

from catalogue.models import (
    Recommendation,
    RecommendationTranslation,
    ReportTranslation,
    Theme,
    ThemeLink,
    ThemeTranslation,
)
from tests.assessments.conftest import catalogue, cycle  # noqa: F401
from tests.catalogue.conftest import real_catalogue, targets  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_throttle_counts(settings):
    # The throttle counts in the shared cache; each test starts with none.
    cache.clear()
    settings.API_ANON_RATE = "10000/min"
    yield
    cache.clear()


@pytest.fixture
def anonymous():
    """A visitor with no cookie: what a script calling the API is."""
    return Client()


@pytest.fixture
def translated(catalogue):  # noqa: F811
    """2013-MS-01 in French, 2013's title in Arabic; a theme with a Spanish name."""
    first = Recommendation.objects.get(code="2013-MS-01")
    RecommendationTranslation.objects.create(
        recommendation=first, language="fr", text="Recommandation 1 de 2013 aux États."
    )
    ReportTranslation.objects.create(report=catalogue[0], language="ar", title="تقرير 2013")
    theme = Theme.objects.create(
        name="Prevention strategies", slug="prevention-strategies", position=1
    )
    ThemeTranslation.objects.create(theme=theme, language="es", name="Estrategias")
    ThemeLink.objects.create(theme=theme, recommendation=first, reason="It asks for a strategy.")
    ThemeLink.objects.create(
        theme=theme,
        recommendation=Recommendation.objects.get(code="2014-MS-02"),
        reason="It asks for a strategy too.",
    )
    return first
