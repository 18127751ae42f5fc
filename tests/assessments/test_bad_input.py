"""Input that once gave a 500 or an unreadable export: refused with a message or cleaned."""

import csv
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.forms import AnswerForm, ReviewForm
from assessments.models import Answer
from assessments.services.lifecycle import assessment_submit
from assessments.text import clean_text

pytestmark = pytest.mark.django_db


def save_url(answer):
    return reverse("assessments:answer_save", args=[answer.assessment_id, answer.pk])


def form_encoded(answer, **fields):
    """The autosave request as a browser sends it: application/x-www-form-urlencoded."""
    data = {"status": "implemented", "evidence": "", "links": "", "version": answer.version}
    data.update(fields)
    return urlencode({f"r{answer.pk}-{key}": value for key, value in data.items()})


def post_form(client, url, body, **headers):
    return client.post(
        url, data=body, content_type="application/x-www-form-urlencoded", headers=headers
    )


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [("links", "https://example.org/\x00", "Evidence links"), ("evidence", "a\x00b", "Evidence")],
)
def test_a_nul_in_an_answer_is_refused_naming_the_field_and_nothing_is_stored(
    client, focal_point_norway, first_answer, field, value, label
):
    """PostgreSQL cannot store a NUL: it used to answer 500 (DataError) on links."""
    client.force_login(focal_point_norway)
    body = form_encoded(first_answer, **{field: value})
    assert "%00" in body

    htmx = post_form(client, save_url(first_answer), body, **{"HX-Request": "true"})
    plain = post_form(client, save_url(first_answer), body)

    message = f"{label} cannot contain a null character (U+0000)."
    assert htmx.status_code == 200
    assert message in htmx.content.decode()
    assert plain.status_code == 400
    assert message in plain.content.decode()
    first_answer.refresh_from_db()
    assert (first_answer.version, first_answer.links, first_answer.evidence) == (0, [], "")


def test_characters_no_export_can_hold_are_dropped_from_a_saved_answer(
    client, focal_point_norway, first_answer
):
    client.force_login(focal_point_norway)
    body = form_encoded(
        first_answer,
        evidence="Law\ufffe of\uffff 2019\x0b\r\nsecond line\x1f",
        links="https://example.org/a\x0c\r\nhttps://example.org/b\ufdd0",
    )
    result = post_form(client, save_url(first_answer), body, **{"HX-Request": "true"})
    assert result.status_code == 200
    first_answer.refresh_from_db()
    assert first_answer.evidence == "Law of 2019\nsecond line"
    assert first_answer.links == ["https://example.org/a", "https://example.org/b"]


def test_the_answer_form_cleans_evidence_before_checking_its_length():
    form = AnswerForm(
        {"status": "", "evidence": "\x0b" * 20_000 + "Text\r\n", "links": "", "version": 0}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["evidence"] == "Text"


def test_review_comments_are_cleaned_and_refuse_nul():
    cleaned = ReviewForm({"text": "Cite\uffff the law.\r\nThanks\x07", "action": "comment"})
    assert cleaned.is_valid(), cleaned.errors
    assert cleaned.cleaned_data["text"] == "Cite the law.\nThanks"
    refused = ReviewForm({"text": "a\x00", "action": "comment"})
    assert refused.errors["text"] == ["Comment cannot contain a null character (U+0000)."]


def test_the_admin_review_form_refuses_a_nul_comment_with_a_message(
    client, secretariat, norway_assessment, focal_point_norway
):
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    client.force_login(secretariat)
    url = reverse("admin:assessments_assessment_change", args=[norway_assessment.pk])
    result = post_form(client, url, urlencode({"action": "comment", "text": "Hi\x00"}))
    assert result.status_code == 302
    page = client.get(result.url).content.decode()
    assert "Comment cannot contain a null character (U+0000)." in page
    assert not norway_assessment.review_comments.exists()


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("a\r\nb\rc\n", "a\nb\nc\n"),
        ("tab\tkept", "tab\tkept"),
        ("\x00\x01\x08\x0b\x0c\x0e\x1f", ""),
        ("\ud800lone\udfff surrogates", "lone surrogates"),
        ("\ufdd0\ufdef\ufffe\uffff\U0001fffe\U0010ffff", ""),
        ("Türkiye – 中文 – العربية – 😀 \u0085 \x7f", "Türkiye – 中文 – العربية – 😀 \u0085 \x7f"),
    ],
)
def test_clean_text_drops_what_xml_cannot_hold_and_keeps_every_script(text, cleaned):
    assert clean_text(text) == cleaned


def test_an_xlsx_export_of_answers_stored_before_cleaning_opens_with_the_text_cleaned(
    client, secretariat, norway_assessment, first_answer
):
    # Stored as the forms accepted it before assessments/text.py existed.
    Answer.objects.filter(pk=first_answer.pk).update(
        status="implemented",
        evidence="Plan\ufffe of\uffff action\x0b 2019",
        links=["https://example.org/\ufffe"],
    )
    client.force_login(secretariat)
    for action in ("export_xlsx_with_drafts", "export_csv_with_drafts"):
        result = client.post(
            reverse("admin:assessments_assessment_changelist"),
            {"action": action, "_selected_action": [norway_assessment.pk]},
        )
        assert result.status_code == 200
        if action == "export_xlsx_with_drafts":
            rows = list(
                load_workbook(io.BytesIO(result.content)).active.iter_rows(values_only=True)
            )
        else:
            rows = list(csv.reader(io.StringIO(result.content.decode("utf-8-sig"))))
        first = next(row for row in rows if row[9] == "2013-MS-01")
        assert first[13] == "Plan of action 2019", action
        assert first[14] == "https://example.org/", action
