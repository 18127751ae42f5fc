"""Evidence files: checked by content and size, stored privately, served after an access check."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def docx_bytes():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(client, response, name, content):
    return client.post(
        reverse("assessments:attachment_upload", args=[response.assessment_id, response.pk]),
        {f"a{response.pk}-file": SimpleUploadedFile(name, content)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [("law.pdf", PDF), ("photo.png", png_bytes()), ("report.docx", docx_bytes())],
)
def test_accepted_files_are_stored_with_their_hash_and_recorded(
    client, focal_point_norway, first_answer, name, content
):
    client.force_login(focal_point_norway)
    page = upload(client, first_answer, name, content)
    attachment = first_answer.attachments.get()
    assert f"{name} is attached to 2013-MS-01" in page.content.decode()
    assert attachment.original_name == name
    assert len(attachment.sha256) == 64
    assert attachment.file.name.startswith(f"attachments/{first_answer.assessment_id}/")
    assert name not in attachment.file.name
    assert first_answer.changes.get().kind == "attachment_added"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("law.pdf", b"MZ\x90\x00 this is a program", "is not a PDF file"),
        ("photo.png", PDF, "is not a PNG file"),
        ("report.docx", b"PK\x03\x04 not a real archive", "is not a DOCX file"),
        ("script.exe", b"MZ\x90\x00", "is not an accepted type"),
        ("page.html", b"<html><script>alert(1)</script>", "is not an accepted type"),
        ("empty.pdf", b"", "empty"),
        # Its name is printed in the country report: no character the report lacks.
        ("loi-\U0001f600.pdf", PDF, "cannot print: U+1F600"),
    ],
)
def test_disguised_unsupported_or_empty_files_are_refused(
    client, focal_point_norway, first_answer, name, content, message
):
    client.force_login(focal_point_norway)
    page = upload(client, first_answer, name, content)
    assert message in page.content.decode()
    assert not first_answer.attachments.exists()
    assert not first_answer.changes.exists()


def test_oversized_files_are_refused_with_the_limit(
    client, focal_point_norway, first_answer, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client.force_login(focal_point_norway)
    page = upload(client, first_answer, "big.pdf", PDF + b"0" * 2000)
    assert "files may be at most 1.0" in page.content.decode()
    assert not first_answer.attachments.exists()


def test_a_path_in_the_file_name_is_dropped(client, focal_point_norway, first_answer):
    client.force_login(focal_point_norway)
    upload(client, first_answer, "../../etc/law.pdf", PDF)
    assert first_answer.attachments.get().original_name == "law.pdf"


def test_download_serves_the_file_as_an_attachment_to_its_delegation(
    client, focal_point_norway, first_answer
):
    client.force_login(focal_point_norway)
    upload(client, first_answer, "law.pdf", PDF)
    attachment = first_answer.attachments.get()

    result = client.get(attachment.get_absolute_url())

    assert result.status_code == 200
    assert b"".join(result.streaming_content) == PDF
    assert result["Content-Disposition"].startswith("attachment;")
    assert result["Content-Type"] == "application/pdf"
    assert result["X-Content-Type-Options"] == "nosniff"


def test_removing_an_attachment_is_recorded_and_deletes_the_file(
    client, focal_point_norway, first_answer, django_capture_on_commit_callbacks
):
    client.force_login(focal_point_norway)
    upload(client, first_answer, "law.pdf", PDF)
    attachment = first_answer.attachments.get()
    storage, name = attachment.file.storage, attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:attachment_delete", args=[attachment.pk]))

    assert not first_answer.attachments.exists()
    assert not storage.exists(name)
    assert first_answer.changes.first().kind == "attachment_removed"


def test_files_cannot_be_added_to_a_submitted_assessment(
    client, focal_point_norway, norway_assessment, first_answer
):
    client.force_login(focal_point_norway)
    client.post(
        reverse("assessments:assessment_submit", args=[norway_assessment.pk]), {"confirm": "on"}
    )
    result = client.post(
        reverse("assessments:attachment_upload", args=[norway_assessment.pk, first_answer.pk]),
        {f"a{first_answer.pk}-file": SimpleUploadedFile("law.pdf", PDF)},
    )
    assert result.status_code == 403
    assert not first_answer.attachments.exists()


def test_removing_a_file_asks_first_and_keeps_it_until_confirmed(
    client, focal_point_norway, first_answer
):
    client.force_login(focal_point_norway)
    upload(client, first_answer, "law.pdf", PDF)
    attachment = first_answer.attachments.get()
    url = reverse("assessments:attachment_delete", args=[attachment.pk])

    card = client.get(
        reverse("assessments:report_answers", args=[first_answer.assessment_id, 2013])
    ).content.decode()
    assert f'href="{url}"' in card
    question = client.get(url).content.decode()
    assert "Remove law.pdf from 2013-MS-01?" in question
    assert "cannot be restored" in question
    assert first_answer.attachments.exists()

    client.post(url)
    assert not first_answer.attachments.exists()


def test_a_refused_file_is_explained_inside_its_answers_card(
    client, focal_point_norway, first_answer
):
    client.force_login(focal_point_norway)
    result = client.post(
        reverse(
            "assessments:attachment_upload", args=[first_answer.assessment_id, first_answer.pk]
        ),
        {f"a{first_answer.pk}-file": SimpleUploadedFile("law.pdf", b"not a pdf")},
    )
    assert result.status_code == 400
    page = result.content.decode()
    card = page[page.index(f'id="answer-{first_answer.pk}"') :]
    card = card[: card.index("</article>")]
    assert 'aria-invalid="true"' in card
    assert "The content of law.pdf is not a PDF file." in card
