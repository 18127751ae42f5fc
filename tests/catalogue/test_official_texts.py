"""The secretariat imports a report's official translation from the UN's document in
that language: every recommendation found at its place, or named with the reason;
nothing saved before the confirm, and exactly the preview saved by it."""

import hashlib
import io
import os
import re
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from weasyprint import HTML

from catalogue.models import (
    Recommendation,
    RecommendationTranslation,
    Report,
    ReportTranslation,
    Section,
    TranslationImport,
    recommendation_code,
)
from catalogue.official_texts import limits
from catalogue.official_texts.progress import translation_progress
from catalogue.official_texts.reading import DocumentError
from catalogue.official_texts.services import (
    ImportRefused,
    translation_import_confirm,
    translation_import_discard,
    translation_import_preview,
)
from tests.catalogue.official_documents import LANGUAGES, SYMBOL, as_docx, as_pdf, as_text

pytestmark = pytest.mark.django_db

# The 2010 report's sections with their real paragraph references, and a place for each
# recommendation: whole paragraphs, sentences, lettered sub-paragraphs; one without a
# place, one at a paragraph the report does not have.
PLACES = {
    "MS": ("12, 14", ["12.1", "14"]),
    "UN": ("2-10, 14-19", ["17(a)", "17(b)", "17(c)", "19.2", ""]),
    "CS": ("12, 14", ["12.2", "25"]),
}
FORMATS = {"txt": as_text, "docx": as_docx, "pdf": as_pdf}


@pytest.fixture
def report_2010(targets):
    report = Report.objects.create(
        number=2,
        year=2010,
        symbol=SYMBOL,
        title="Early warning, assessment and the responsibility to protect",
    )
    for code, (paragraphs, places) in PLACES.items():
        section = Section.objects.create(report=report, target=targets[code], paragraphs=paragraphs)
        for position, place in enumerate(places, start=1):
            Recommendation.objects.create(
                section=section,
                position=position,
                code=recommendation_code(year=2010, target_code=code, position=position),
                text=f"English recommendation {position} to {code}.",
                place=place,
            )
    return report


def expected(language, place: str) -> str:
    if "(" in place:
        return language.subparagraphs(17)["abc".index(place[3])][1]
    if "." in place:
        paragraph, sentence = place.split(".")
        return language.sentences(int(paragraph))[int(sentence) - 1]
    return language.lead(int(place))


def preview(report, language, data, user, file_name="report.txt"):
    return translation_import_preview(
        report=report, language=language, file_name=file_name, data=data, uploaded_by=user
    )


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("code", LANGUAGES)
def test_the_import_places_every_recommendation_or_names_why_not(
    report_2010, secretariat, code, file_format
):
    language = LANGUAGES[code]

    result = preview(report_2010, code, FORMATS[file_format](language), secretariat)

    items = {item["code"]: item for item in result.items}
    assert list(items) == list(
        Recommendation.objects.filter(section__report=report_2010)
        .in_catalogue_order()
        .values_list("code", flat=True)
    )
    for recommendation in Recommendation.objects.exclude(place__in=["", "25"]):
        assert items[recommendation.code]["text"] == expected(language, recommendation.place)
        assert items[recommendation.code]["problem"] == ""
    assert items["2010-UN-05"]["text"] == ""
    assert "No place in the report" in items["2010-UN-05"]["problem"]
    assert items["2010-CS-02"]["text"] == ""
    assert "Paragraph 25 is not in the document" in items["2010-CS-02"]["problem"]
    # A right-to-left PDF's title wrapped over two lines cannot be told from the line
    # above it (Arabic has no capitals): the preview shows its last line.
    if (code, file_format) != ("ar", "pdf"):
        assert result.title == language.title
    assert result.status == TranslationImport.Status.PENDING
    assert not RecommendationTranslation.objects.exists()
    assert not ReportTranslation.objects.exists()


def test_arabic_paragraphs_numbered_in_arabic_indic_digits_keep_their_digits(
    report_2010, secretariat
):
    result = preview(report_2010, "ar", as_docx(LANGUAGES["ar"]), secretariat)

    text = next(item["text"] for item in result.items if item["code"] == "2010-MS-02")
    assert text.startswith("تنظر الدول الأعضاء في الفقرة ١٤")


def test_a_sentence_or_sub_paragraph_place_out_of_range_is_named(report_2010, secretariat):
    Recommendation.objects.filter(code="2010-MS-01").update(place="12.3")
    Recommendation.objects.filter(code="2010-MS-02").update(place="14(a)")

    result = preview(report_2010, "fr", as_text(LANGUAGES["fr"]), secretariat)

    problems = {item["code"]: item["problem"] for item in result.items}
    assert problems["2010-MS-01"] == "Paragraph 12 has 2 sentences, not 3."
    assert problems["2010-MS-02"] == "Paragraph 14 has 0 lettered sub-paragraphs, not 1."


def test_a_text_too_long_for_a_translation_is_not_placed(report_2010, secretariat):
    language = LANGUAGES["fr"]
    long = as_text(language).decode().replace(language.lead(14), language.lead(14) * 10)

    result = preview(report_2010, "fr", long.encode(), secretariat)

    item = next(item for item in result.items if item["code"] == "2010-MS-02")
    assert item["text"] == ""
    assert "longer than 600 characters" in item["problem"]


def test_confirm_saves_exactly_the_preview_and_records_what_it_replaced(report_2010, secretariat):
    language = LANGUAGES["es"]
    old = RecommendationTranslation.objects.create(
        recommendation=Recommendation.objects.get(code="2010-MS-01"), language="es", text="Viejo."
    )
    kept = RecommendationTranslation.objects.create(
        recommendation=Recommendation.objects.get(code="2010-UN-05"), language="es", text="Mía."
    )
    data = as_docx(language)
    pending = preview(report_2010, "es", data, secretariat, file_name="A_64_864-ES.docx")

    done = translation_import_confirm(translation_import=pending, confirmed_by=secretariat)

    saved = dict(
        RecommendationTranslation.objects.filter(language="es").values_list(
            "recommendation__code", "text"
        )
    )
    assert saved == {
        **{item["code"]: item["text"] for item in pending.items if item["text"]},
        "2010-UN-05": "Mía.",  # not placed: left as it was
    }
    assert (done.added, done.replaced, done.unchanged) == (6, 1, 0)
    assert done.status == TranslationImport.Status.CONFIRMED
    assert done.decided_by == secretariat
    assert done.sha256 == hashlib.sha256(data).hexdigest()
    assert done.file_name == "A_64_864-ES.docx"
    replaced = next(item for item in done.items if item["code"] == "2010-MS-01")
    assert replaced["current"] == "Viejo." and replaced["text"] != "Viejo."
    assert ReportTranslation.objects.get(report=report_2010, language="es").title == language.title
    old.refresh_from_db()
    kept.refresh_from_db()
    assert old.text == expected(language, "12.1") and kept.text == "Mía."


def test_a_preview_is_confirmed_once(report_2010, secretariat):
    pending = preview(report_2010, "ru", as_text(LANGUAGES["ru"]), secretariat)
    translation_import_confirm(translation_import=pending, confirmed_by=secretariat)

    with pytest.raises(ImportRefused, match="already confirmed or discarded"):
        translation_import_confirm(translation_import=pending, confirmed_by=secretariat)
    with pytest.raises(ImportRefused):
        translation_import_discard(translation_import=pending, discarded_by=secretariat)


def test_a_stale_preview_saves_nothing(report_2010, secretariat):
    pending = preview(report_2010, "fr", as_text(LANGUAGES["fr"]), secretariat)
    # A colleague types one translation in the admin after the preview was made.
    RecommendationTranslation.objects.create(
        recommendation=Recommendation.objects.get(code="2010-UN-02"), language="fr", text="Tapé."
    )

    with pytest.raises(ImportRefused, match="2010-UN-02"):
        translation_import_confirm(translation_import=pending, confirmed_by=secretariat)

    assert list(RecommendationTranslation.objects.values_list("text", flat=True)) == ["Tapé."]
    assert not ReportTranslation.objects.exists()
    pending.refresh_from_db()
    assert pending.status == TranslationImport.Status.PENDING


def test_an_earlier_preview_cannot_undo_a_later_import(report_2010, secretariat):
    first = preview(report_2010, "zh-hans", as_text(LANGUAGES["zh-hans"]), secretariat)
    second = preview(report_2010, "zh-hans", as_docx(LANGUAGES["zh-hans"]), secretariat)
    translation_import_confirm(translation_import=second, confirmed_by=secretariat)

    with pytest.raises(ImportRefused):
        translation_import_confirm(translation_import=first, confirmed_by=secretariat)


def test_a_discarded_preview_saves_nothing(report_2010, secretariat):
    pending = preview(report_2010, "fr", as_text(LANGUAGES["fr"]), secretariat)

    translation_import_discard(translation_import=pending, discarded_by=secretariat)

    pending.refresh_from_db()
    assert pending.status == TranslationImport.Status.DISCARDED
    with pytest.raises(ImportRefused):
        translation_import_confirm(translation_import=pending, confirmed_by=secretariat)
    assert not RecommendationTranslation.objects.exists()


def docx_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (limits.MAX_DOCX_UNPACKED_BYTES + 1))
    return buffer.getvalue()


def not_a_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    return buffer.getvalue()


def damaged_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not xml")
    return buffer.getvalue()


BAD_FILES = {
    "empty": (lambda: b"", "fr", "The file is empty."),
    "too big": (
        lambda: b"x" * (limits.MAX_DOCUMENT_BYTES + 1),
        "fr",
        "The file is larger than 10 MB.",
    ),
    "not a docx": (not_a_docx, "fr", "The archive is not a .docx"),
    "damaged docx": (damaged_docx, "fr", "The .docx cannot be read"),
    "docx bomb": (docx_bomb, "fr", "The .docx unpacks to more than a report can be."),
    "a PDF without text": (
        lambda: HTML(string="<div style='height:5cm;border:1px solid'></div>").write_pdf(),
        "fr",
        "The PDF has no text layer",
    ),
    "a damaged PDF": (lambda: b"%PDF-1.7\n garbage", "fr", "The PDF cannot be read"),
    "not UTF-8": (
        lambda: as_text(LANGUAGES["fr"]).decode().encode("cp1252"),
        "fr",
        "plain text in UTF-8",
    ),
    "a binary file": (lambda: b"\x00\x01\x02", "fr", "not a text file"),
    "the wrong language": (
        lambda: as_docx(LANGUAGES["es"]),
        "fr",
        "another language than the one chosen",
    ),
    "another report": (
        lambda: as_text(LANGUAGES["fr"], symbol="A/65/877"),
        "fr",
        "does not carry the symbol A/64/864 of the 2010 report",
    ),
    "no numbered paragraph": (
        lambda: f"{SYMBOL}\nLes États Membres et les organisations.".encode(),
        "fr",
        "No numbered paragraph",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_with_a_reason_and_nothing_stored(report_2010, secretariat, case):
    make, language, reason = BAD_FILES[case]

    with pytest.raises(DocumentError, match=re.escape(reason)):
        preview(report_2010, language, make(), secretariat)

    assert not TranslationImport.objects.exists()
    assert not RecommendationTranslation.objects.exists()


def test_a_place_is_a_paragraph_a_sub_paragraph_or_a_sentence(report_2010):
    recommendation = Recommendation.objects.get(code="2010-MS-01")
    for good in ["12", "12(b)", "12.3", ""]:
        recommendation.place = good
        recommendation.full_clean()
    for bad in ["12b", "(b)", "12.", "0", "12(B)", "12–14"]:
        recommendation.place = bad
        with pytest.raises(ValidationError, match=re.escape("17, 17(b) or 17.2")):
            recommendation.full_clean()


def test_progress_counts_translated_recommendations_and_the_title(report_2010, secretariat):
    pending = preview(report_2010, "ru", as_text(LANGUAGES["ru"]), secretariat)
    translation_import_confirm(translation_import=pending, confirmed_by=secretariat)

    [(_report, languages)] = translation_progress()

    progress = {item.language: item for item in languages}
    assert (progress["ru"].translated, progress["ru"].total, progress["ru"].has_title) == (
        7,
        9,
        True,
    )
    assert (progress["fr"].translated, progress["fr"].has_title) == (0, False)
    assert not progress["ru"].complete


# The pages.


def upload(client, report, language="fr", data=None, name="A_64_864-FR.txt"):
    return client.post(
        reverse("admin:catalogue_translationimport_upload"),
        {
            "report": report.pk,
            "language": language,
            "document": SimpleUploadedFile(name, data or as_text(LANGUAGES[language])),
        },
    )


def test_the_secretariat_uploads_previews_and_confirms(client, secretariat, report_2010):
    client.force_login(secretariat)
    language = LANGUAGES["fr"]

    response = upload(client, report_2010)

    pending = TranslationImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:catalogue_translationimport_preview", args=[pending.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert expected(language, "17(b)") in page
    assert "English recommendation 2 to UN." in page
    assert "Paragraph 25 is not in the document" in page
    assert 'name="confirm"' in page
    assert not RecommendationTranslation.objects.exists()

    response = client.post(
        reverse("admin:catalogue_translationimport_decide", args=[pending.pk]), {"confirm": "1"}
    )

    assert response.status_code == 302
    assert RecommendationTranslation.objects.filter(language="fr").count() == 7
    page = client.get(response["Location"]).content.decode()
    assert "7 added, 0 replaced, 0 unchanged" in page
    assert 'name="confirm"' not in page
    listing = client.get(reverse("admin:catalogue_translationimport_changelist")).content.decode()
    assert "A_64_864-FR.txt" in listing
    progress = client.get(reverse("admin:catalogue_translationimport_upload")).content.decode()
    assert "7 / 9" in progress


def test_a_document_larger_than_other_requests_may_be_is_accepted(client, secretariat, report_2010):
    """A .docx with its pictures runs to a few MB, above the site's default limit on a
    request body."""
    buffer = io.BytesIO(as_docx(LANGUAGES["ru"]))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("word/media/image1.png", os.urandom(3 * 1024 * 1024))
    client.force_login(secretariat)

    response = upload(client, report_2010, "ru", buffer.getvalue(), name="A_64_864-RU.docx")

    assert response.status_code == 302
    assert TranslationImport.objects.get().file_name == "A_64_864-RU.docx"


def test_a_refused_upload_says_why_on_the_form(client, secretariat, report_2010):
    client.force_login(secretariat)

    response = upload(client, report_2010, data=b"\x00\x01")

    assert response.status_code == 200
    assert "The file is not a text file." in response.content.decode()
    assert not TranslationImport.objects.exists()


def test_the_upload_escapes_what_the_document_says(client, secretariat, report_2010):
    client.force_login(secretariat)
    language = LANGUAGES["fr"]
    data = (
        as_text(language)
        .decode()
        .replace(language.lead(14), "<script>alert(1)</script> Les États et les organisations.")
    )

    response = upload(client, report_2010, data=data.encode())

    page = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_only_who_may_change_recommendation_translations_imports(
    client, django_user_model, secretariat, report_2010, focal_point_norway
):
    pending = preview(report_2010, "fr", as_text(LANGUAGES["fr"]), secretariat)
    staff = django_user_model.objects.create_user(username="viewer", is_staff=True)
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_recommendationtranslation"),
        Permission.objects.get(codename="change_report"),
    )
    urls = [
        reverse("admin:catalogue_translationimport_upload"),
        reverse("admin:catalogue_translationimport_preview", args=[pending.pk]),
    ]
    decide = reverse("admin:catalogue_translationimport_decide", args=[pending.pk])

    client.force_login(staff)
    assert [client.get(url).status_code for url in urls] == [403, 403]
    assert client.post(decide, {"confirm": "1"}).status_code == 403
    assert upload(client, report_2010).status_code == 403

    client.force_login(focal_point_norway)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post(decide, {"confirm": "1"}).status_code == 302

    pending.refresh_from_db()
    assert pending.status == TranslationImport.Status.PENDING
    assert TranslationImport.objects.count() == 1
    assert not RecommendationTranslation.objects.exists()


def test_the_decision_is_a_post_with_csrf(client, secretariat, report_2010):
    pending = preview(report_2010, "fr", as_text(LANGUAGES["fr"]), secretariat)
    client.force_login(secretariat)
    decide = reverse("admin:catalogue_translationimport_decide", args=[pending.pk])

    assert client.get(decide).status_code == 405
    client.handler.enforce_csrf_checks = True
    assert client.post(decide, {"confirm": "1"}).status_code == 403
    assert not RecommendationTranslation.objects.exists()
