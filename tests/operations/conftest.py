import pytest

from tests.operations.outside import (
    OutsideSite,
    create_postgres_database,
    drop_postgres_database,
    migrate,
    postgres_server_url,
)


@pytest.fixture
def outside_site(tmp_path, settings):
    """A migrated site on a database of its own, of the kind the tests run on."""
    database = settings.DATABASES["default"]
    on_postgres = database["ENGINE"] == "django.db.backends.postgresql"
    if on_postgres:
        url = create_postgres_database(postgres_server_url(database))
    else:
        url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    site = OutsideSite(url, tmp_path / "media")
    migrate(site)
    yield site
    site.stop_all()
    if on_postgres:
        drop_postgres_database(url)
