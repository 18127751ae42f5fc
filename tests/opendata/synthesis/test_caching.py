"""What the synthesis's pages and downloads let a browser or a shared cache keep
(opendata/public/caching.py): the public ones are revalidated on every use, so that a
State's withdrawal takes its answers out of every copy at once; the report PDF, at an
address that does not change when a newer rendering replaces it, is not stored; the
secretariat's never."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from opendata.models import SynthesisDocument
from opendata.synthesis.selectors import counted_ids

pytestmark = pytest.mark.django_db

PUBLIC = SynthesisDocument.Audience.PUBLIC


def public_urls(code="2025"):
    return [
        reverse("opendata:synthesis"),
        reverse("opendata:synthesis") + "?cycle=" + code,
        reverse("opendata:synthesis_csv", args=[code]),
        reverse("opendata:synthesis_json", args=[code]),
    ]


def test_the_public_synthesis_and_its_data_are_revalidated_on_every_use(client, submissions):
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-cache", url


def test_the_public_report_pdf_is_not_stored(client, synthesis_cycle, submissions):
    document = SynthesisDocument.objects.create(
        cycle=synthesis_cycle,
        language="en",
        audience=PUBLIC,
        rendered_at=timezone.now(),
        submissions_counted=list(counted_ids(synthesis_cycle, PUBLIC)),
    )
    document.pdf.save("synthesis.pdf", ContentFile(b"%PDF-1.7 synthesis"))
    response = client.get(reverse("opendata:synthesis_pdf", args=["2025", "en"]))
    # Read whole: the file it streams is closed with it.
    assert b"".join(response.streaming_content) == b"%PDF-1.7 synthesis"
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_signed_in_users_public_synthesis_is_private_and_not_stored(client, submissions, author):
    client.force_login(author)
    for url in public_urls():
        assert client.get(url)["Cache-Control"] == "private, no-store", url


def test_the_secretariats_synthesis_is_never_kept(client, submissions, secretariat):
    client.force_login(secretariat)
    for url in (
        reverse("opendata:synthesis_desk"),
        reverse("opendata:synthesis_desk_csv", args=["2025"]),
        reverse("opendata:synthesis_desk_json", args=["2025"]),
    ):
        directives = set(client.get(url)["Cache-Control"].split(", "))
        assert {"no-cache", "no-store", "private"} <= directives, url
