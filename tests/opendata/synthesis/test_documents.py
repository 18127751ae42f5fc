"""The synthesis report as a document: requested by the secretariat (one at a time),
rendered and stored by the worker with its SHA-256, listed publicly when it is the
public one; out of date when the submissions counted change; a failure recorded and no
partial file left."""

import datetime
import errno
import hashlib

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from assessments.models import Publication
from opendata.models import SynthesisDocument
from opendata.synthesis import services
from opendata.synthesis.selectors import counted_ids
from tests.queue import run_queued

from .support import body, pdf_text, squeezed

pytestmark = pytest.mark.django_db

PUBLIC = SynthesisDocument.Audience.PUBLIC
SECRETARIAT = SynthesisDocument.Audience.SECRETARIAT


def stored_bytes(document: SynthesisDocument) -> bytes:
    with document.pdf.open("rb") as file:
        return file.read()


@pytest.fixture
def desk(client, secretariat):
    client.force_login(secretariat)
    return client


@pytest.fixture
def request_report(django_capture_on_commit_callbacks):
    """The secretariat's request, committed (its task is queued once it commits)."""

    def ask(client, language="fr", audience=PUBLIC):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("opendata:synthesis_desk_request"),
                {"cycle": "2025", "language": language, "audience": audience},
                follow=True,
            )

    return ask


def test_a_requested_report_is_rendered_by_the_worker_and_listed_publicly(
    request_report, desk, submissions, synthesis_cycle, task_queue
):
    page = request_report(desk)
    assert "The synthesis report is being prepared" in page.content.decode()
    document = SynthesisDocument.objects.get()
    assert (document.language, document.audience, document.pdf.name) == ("fr", PUBLIC, "")
    assert "Being prepared" in desk.get(reverse("opendata:synthesis_desk")).content.decode()
    # Not public before it is ready.
    assert desk.get(reverse("opendata:synthesis_pdf", args=["2025", "fr"])).status_code == 404

    assert run_queued(task_queue) == ["stored"]
    document.refresh_from_db()
    stored = stored_bytes(document)
    assert stored.startswith(b"%PDF") and hashlib.sha256(stored).hexdigest() == document.pdf_sha256
    assert document.submissions_counted == list(counted_ids(synthesis_cycle, PUBLIC))
    assert document.requested_by.username == "sam" and document.error == ""

    desk.logout()
    public_page = desk.get(reverse("opendata:synthesis")).content.decode()
    url = reverse("opendata:synthesis_pdf", args=["2025", "fr"])
    assert url in public_page and document.pdf_sha256 in public_page
    download = desk.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert hashlib.sha256(body(download)).hexdigest() == document.pdf_sha256
    assert "R2P-synthesis-2025-public-fr.pdf" in download["Content-Disposition"]


def test_a_second_request_while_one_is_pending_is_refused(
    request_report, desk, submissions, task_queue
):
    request_report(desk)
    page = request_report(desk)
    assert "already being prepared" in page.content.decode()
    assert SynthesisDocument.objects.count() == 1
    # Another language or audience is another report.
    request_report(desk, language="ar")
    request_report(desk, audience=SECRETARIAT)
    assert SynthesisDocument.objects.count() == 3
    run_queued(task_queue)
    # Once rendered, it may be prepared again (with newer figures).
    request_report(desk)
    assert SynthesisDocument.objects.count() == 4


def test_the_database_refuses_two_pending_renderings_of_the_same_report(
    submissions, synthesis_cycle
):
    SynthesisDocument.objects.create(cycle=synthesis_cycle, language="fr", audience=PUBLIC)
    with pytest.raises(IntegrityError), transaction.atomic():
        SynthesisDocument.objects.create(cycle=synthesis_cycle, language="fr", audience=PUBLIC)


def test_a_rendering_lost_with_its_worker_no_longer_blocks_a_request(
    submissions, synthesis_cycle, secretariat, task_queue
):
    lost = SynthesisDocument.objects.create(cycle=synthesis_cycle, language="fr", audience=PUBLIC)
    SynthesisDocument.objects.filter(pk=lost.pk).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    services.synthesis_document_request(
        cycle=synthesis_cycle, language="fr", audience=PUBLIC, requested_by=secretariat
    )
    lost.refresh_from_db()
    assert lost.error.startswith("Interrupted")
    assert SynthesisDocument.objects.filter(error="").count() == 1


def test_the_secretariats_report_is_never_public(
    request_report, desk, client, submissions, task_queue
):
    request_report(desk, audience=SECRETARIAT)
    run_queued(task_queue)
    document = SynthesisDocument.objects.get()
    url = reverse("opendata:synthesis_desk_document", args=[document.pk])
    assert url in desk.get(reverse("opendata:synthesis_desk")).content.decode()
    download = desk.get(url)
    assert download.status_code == 200 and body(download).startswith(b"%PDF")
    desk.logout()
    assert desk.get(reverse("opendata:synthesis_pdf", args=["2025", "fr"])).status_code == 404
    assert url not in desk.get(reverse("opendata:synthesis")).content.decode()
    assert desk.get(url).status_code == 302  # to sign in


def test_a_delegation_may_not_download_the_secretariats_report(
    request_report, desk, submissions, task_queue, focal_point_norway
):
    request_report(desk, audience=SECRETARIAT)
    run_queued(task_queue)
    document = SynthesisDocument.objects.get()
    desk.force_login(focal_point_norway)
    url = reverse("opendata:synthesis_desk_document", args=[document.pk])
    assert desk.get(url).status_code == 403


def test_a_report_is_out_of_date_once_another_state_publishes(
    request_report, desk, submissions, author, task_queue
):
    request_report(desk)
    run_queued(task_queue)
    assert "Out of date" not in desk.get(reverse("opendata:synthesis_desk")).content.decode()
    Publication.objects.create(submission=submissions["ZAF"], published_by=author)
    assert "Out of date" in desk.get(reverse("opendata:synthesis_desk")).content.decode()
    desk.logout()
    public_page = desk.get(reverse("opendata:synthesis")).content.decode()
    assert "out of date" in public_page
    download = desk.get(reverse("opendata:synthesis_pdf", args=["2025", "fr"]))
    assert download.status_code == 200 and body(download).startswith(b"%PDF")


def test_a_withdrawal_takes_the_public_reports_that_counted_it_off_the_list(
    request_report, desk, submissions, author, task_queue
):
    request_report(desk)
    run_queued(task_queue)
    Publication.objects.filter(submission=submissions["KEN"]).update(
        withdrawn_at=timezone.now(), withdrawn_by=author
    )
    desk.logout()
    assert desk.get(reverse("opendata:synthesis_pdf", args=["2025", "fr"])).status_code == 404
    assert "report-fr.pdf" not in desk.get(reverse("opendata:synthesis")).content.decode()


def test_a_failed_rendering_is_recorded_and_a_new_request_allowed(
    request_report, desk, submissions, task_queue, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("the layout broke")

    monkeypatch.setattr(services, "render_synthesis_pdf", broken)
    request_report(desk)
    assert run_queued(task_queue) == ["failed: RuntimeError"]
    document = SynthesisDocument.objects.get()
    assert document.error == "RuntimeError: the layout broke" and not document.pdf
    assert "the layout broke" in desk.get(reverse("opendata:synthesis_desk")).content.decode()
    request_report(desk)
    assert SynthesisDocument.objects.count() == 2


def test_a_full_disk_leaves_no_file_and_records_the_failure(
    request_report, desk, submissions, task_queue, monkeypatch, settings
):
    original = FileSystemStorage._save

    def full(self, name, content):
        # Part of the file written, then no room: what a full disk leaves behind.
        original(self, name, content.__class__(content.read()[:100]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full)
    request_report(desk)
    assert run_queued(task_queue) == ["failed: StorageFailed"]
    document = SynthesisDocument.objects.get()
    assert "No space left on device" in document.error
    assert not document.pdf and not document.pdf_sha256 and document.rendered_at is None
    folder = settings.MEDIA_ROOT / "synthesis"
    assert not folder.exists() or not any(folder.iterdir())


def test_the_pdf_shows_the_number_of_states_behind_each_figure(
    request_report, desk, submissions, task_queue
):
    request_report(desk, language="en")
    run_queued(task_queue)
    text = squeezed(pdf_text(stored_bytes(SynthesisDocument.objects.get())))
    assert "Statescounted7" in text
    # Each row gives its States before its figures: a report (7 States, 8 of its 21
    # answers implemented), the Western European group (3 States), a recommendation.
    assert "2013Thereportof201378(38%)" in text
    assert "WesternEuropeanandotherStates37(47%)" in text
    assert "2013-MS-0174(57%)" in text
    assert "Asia-PacificStatesfewerthan3States" in text
