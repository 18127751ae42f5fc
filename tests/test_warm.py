"""Web and worker processes load the fonts' character maps and the main templates when
they start, not during the first request that needs them."""

import subprocess
import sys
from pathlib import Path

from r2p_site import fonts
from r2p_site.warm import warm

ROOT = Path(__file__).resolve().parent.parent


def test_warming_builds_the_font_pattern_and_finds_every_template(caplog):
    fonts._unprintable_re.cache_clear()
    warm()
    assert fonts._unprintable_re.cache_info().currsize == 1
    assert not [record for record in caplog.records if "no template" in record.getMessage()]


def probe(code: str) -> str:
    """Run `code` in a fresh process with the project's settings; its output."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "r2p_site.settings", "PATH": "/usr/bin:/bin"},
    ).stdout.strip()


def test_the_wsgi_application_is_warm_when_loaded():
    assert (
        probe(
            "import r2p_site.wsgi; from r2p_site import fonts; "
            "print(fonts._unprintable_re.cache_info().currsize)"
        )
        == "1"
    )


def test_a_management_command_other_than_the_worker_stays_cold():
    assert (
        probe(
            "import sys; sys.argv = ['manage.py', 'migrate']; import django; django.setup(); "
            "from r2p_site import fonts; print(fonts._unprintable_re.cache_info().currsize)"
        )
        == "0"
    )


def test_the_worker_is_warm_when_it_starts():
    assert (
        probe(
            "import sys; sys.argv = ['manage.py', 'db_worker']; import django; django.setup(); "
            "from r2p_site import fonts; print(fonts._unprintable_re.cache_info().currsize)"
        )
        == "1"
    )
