"""Two confirms of the same report at once: one saves, the other is refused as stale,
and what is stored is exactly one preview."""

import threading

import pytest
from django.db import connection

from catalogue.models import RecommendationTranslation, TranslationImport
from catalogue.official_texts.services import (
    ImportRefused,
    translation_import_confirm,
    translation_import_preview,
)
from tests.catalogue import test_official_texts
from tests.catalogue.official_documents import LANGUAGES, as_docx, as_text

report_2010 = test_official_texts.report_2010

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite's in-memory test database locks whole tables between threads; "
        "CI runs these on PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]


class Worker(threading.Thread):
    """Run `action` in a thread with its own connection; keep its result or error."""

    def __init__(self, action):
        super().__init__(daemon=True)
        self.action, self.result, self.error = action, None, None

    def run(self):
        try:
            self.result = self.action()
        except Exception as error:  # the test inspects it
            self.error = error
        finally:
            connection.close()


def test_two_confirms_of_one_report_at_once_save_one_preview_whole(
    migrated_groups, report_2010, secretariat
):
    language = LANGUAGES["fr"]
    first = translation_import_preview(
        report=report_2010,
        language="fr",
        file_name="a.txt",
        data=as_text(language),
        uploaded_by=secretariat,
    )
    # The same report in another file, one recommendation's text different.
    changed = as_docx(language).replace(b"phrase 1.", b"phrase 1 (bis).")
    second = translation_import_preview(
        report=report_2010,
        language="fr",
        file_name="b.docx",
        data=changed,
        uploaded_by=secretariat,
    )
    start = threading.Barrier(2)

    def confirm(preview):
        def action():
            start.wait()
            return translation_import_confirm(translation_import=preview, confirmed_by=secretariat)

        return action

    workers = [Worker(confirm(first)), Worker(confirm(second))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
        assert not worker.is_alive()

    errors = [worker.error for worker in workers if worker.error is not None]
    assert len(errors) == 1 and isinstance(errors[0], ImportRefused), errors
    winner = next(worker.result for worker in workers if worker.error is None)
    stored = dict(RecommendationTranslation.objects.values_list("recommendation__code", "text"))
    assert stored == {item["code"]: item["text"] for item in winner.items if item["text"]}
    assert set(TranslationImport.objects.values_list("status", flat=True)) == {
        TranslationImport.Status.CONFIRMED,
        TranslationImport.Status.PENDING,
    }
