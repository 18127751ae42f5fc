"""Limits per answer and per assessment: refused with a message naming the field, in the
forms and in the services alike, leaving stored data as it was."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import limits
from assessments.forms import AnswerForm
from assessments.models import AnswerChange, Attachment
from assessments.services.answers import (
    AnswerContent,
    answer_save,
    attachment_add,
    attachment_remove,
    theme_answer,
)
from assessments.uploads import PDF
from catalogue.models import Theme, ThemeLink

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def save_url(response):
    return reverse("assessments:answer_save", args=[response.assessment_id, response.pk])


def post_answer(client, response, evidence="", links=""):
    prefix = f"r{response.pk}-"
    return client.post(
        save_url(response),
        {
            prefix + "status": "implemented",
            prefix + "evidence": evidence,
            prefix + "links": links,
            prefix + "version": response.version,
        },
        HTTP_HX_REQUEST="true",
    )


def save(response, user, evidence="", links=()):
    return answer_save(
        answer=response,
        content=AnswerContent(status="implemented", evidence=evidence, links=list(links)),
        base_version=response.version,
        user=user,
    )


def test_the_form_refuses_evidence_of_more_lines_than_an_answer_may_have(
    client, focal_point_norway, first_answer
):
    client.force_login(focal_point_norway)
    result = post_answer(client, first_answer, evidence="a\n" * limits.EVIDENCE_MAX_LINES + "b")
    assert "Evidence may have at most 100 lines." in result.content.decode()
    first_answer.refresh_from_db()
    assert (first_answer.evidence, first_answer.version) == ("", 0)


@pytest.mark.parametrize(
    ("evidence", "links", "field"),
    [
        ("x" * (limits.EVIDENCE_MAX_CHARS + 1), [], "evidence"),
        ("line\n" * limits.EVIDENCE_MAX_LINES + "one more", [], "evidence"),
        ("", ["https://example.org/"] * (limits.LINKS_MAX + 1), "links"),
        ("", ["https://example.org/" + "a" * limits.LINK_MAX_CHARS], "links"),
    ],
    ids=["characters", "lines", "links", "link-length"],
)
def test_the_service_refuses_an_answer_over_its_limits_without_the_form(
    first_answer, focal_point_norway, evidence, links, field
):
    with pytest.raises(ValidationError) as refused:
        save(first_answer, focal_point_norway, evidence, links)
    assert field in refused.value.message_dict
    first_answer.refresh_from_db()
    assert first_answer.version == 0
    assert not AnswerChange.objects.exists()


def unprintable_message(code_points):
    return (
        f"This text contains characters the country report cannot print: {code_points}. "
        "Remove them or replace them with ordinary text."
    )


@pytest.mark.parametrize(
    ("evidence", "links", "field", "code_points"),
    [
        ("Law 😀 of 2019", [], "evidence", "U+1F600"),
        ("Law 𓀀 of 2019 😀", [], "evidence", "U+13000, U+1F600"),
        ("", ["https://example.org/𓀀"], "links", "U+13000"),
    ],
    ids=["emoji", "hieroglyph-and-emoji", "link"],
)
def test_the_service_refuses_text_the_report_cannot_print(
    first_answer, focal_point_norway, evidence, links, field, code_points
):
    # Accepted, it would be refused only at the submit, as ReportUnprintable.
    with pytest.raises(ValidationError) as refused:
        save(first_answer, focal_point_norway, evidence, links)
    assert refused.value.message_dict == {field: [unprintable_message(code_points)]}
    first_answer.refresh_from_db()
    assert (first_answer.evidence, first_answer.links, first_answer.version) == ("", [], 0)
    assert not AnswerChange.objects.exists()


def test_a_theme_answer_refuses_text_the_report_cannot_print(
    norway_assessment, focal_point_norway, first_answer
):
    theme = Theme.objects.create(name="Focal points", slug="focal-points", position=1)
    ThemeLink.objects.create(theme=theme, recommendation=first_answer.recommendation, reason="-")
    with pytest.raises(ValidationError) as refused:
        theme_answer(
            assessment=norway_assessment,
            theme=theme,
            content=AnswerContent(status="implemented", evidence="Done 😀", links=[]),
            versions={first_answer.pk: 0},
            user=focal_point_norway,
        )
    assert refused.value.message_dict == {"evidence": [unprintable_message("U+1F600")]}
    first_answer.refresh_from_db()
    assert (first_answer.evidence, first_answer.version) == ("", 0)


def test_the_form_still_names_each_field_the_report_cannot_print():
    form = AnswerForm(
        {
            "status": "implemented",
            "evidence": "Law 😀 of 2019",
            "links": "https://example.org/𓀀",
            "version": 0,
        }
    )
    assert not form.is_valid()
    assert form.errors == {
        "evidence": [unprintable_message("U+1F600")],
        "links": [unprintable_message("U+13000")],
    }


def test_an_answer_that_would_take_the_assessment_over_its_characters_is_refused(
    monkeypatch, norway_assessment, focal_point_norway
):
    monkeypatch.setattr(limits, "ASSESSMENT_EVIDENCE_MAX_CHARS", 50)
    first, second = norway_assessment.answers.order_by("pk")[:2]
    save(first, focal_point_norway, "a" * 30)

    with pytest.raises(ValidationError, match=r"at most 50 characters.*to 60"):
        save(second, focal_point_norway, "b" * 30)

    second.refresh_from_db()
    assert second.evidence == ""
    # Shrinking is always allowed, and makes room.
    first.refresh_from_db()
    save(first, focal_point_norway, "a" * 10)
    save(second, focal_point_norway, "b" * 30)


def test_an_answer_that_would_take_the_assessment_over_its_lines_is_refused(
    monkeypatch, norway_assessment, focal_point_norway
):
    monkeypatch.setattr(limits, "ASSESSMENT_EVIDENCE_MAX_LINES", 5)
    first, second = norway_assessment.answers.order_by("pk")[:2]
    save(first, focal_point_norway, "1\n2\n3")
    save(second, focal_point_norway, "4\n5")
    second.refresh_from_db()
    with pytest.raises(ValidationError, match="at most 5 lines"):
        save(second, focal_point_norway, "4\n5\n6")


def test_links_beyond_the_assessments_total_are_refused_through_the_site(
    monkeypatch, client, norway_assessment, focal_point_norway
):
    monkeypatch.setattr(limits, "ASSESSMENT_LINKS_MAX", 3)
    first, second = norway_assessment.answers.order_by("pk")[:2]
    save(first, focal_point_norway, links=["https://a.example/", "https://b.example/"])
    client.force_login(focal_point_norway)

    result = post_answer(client, second, links="https://c.example/\nhttps://d.example/")

    assert "at most 3 links in all" in result.content.decode()
    second.refresh_from_db()
    assert second.links == []


def upload_file(client, response, name="law.pdf"):
    return client.post(
        reverse("assessments:attachment_upload", args=[response.assessment_id, response.pk]),
        {f"a{response.pk}-file": SimpleUploadedFile(name, PDF_BYTES)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [
        ("FILES_MAX", 2, "An answer may have at most 2 files."),
        ("FILES_MAX_BYTES", 2 * len(PDF_BYTES), "The files of one answer may take at most"),
        ("ASSESSMENT_FILES_MAX", 2, "An assessment may have at most 2 files in all."),
        (
            "ASSESSMENT_FILES_MAX_BYTES",
            2 * len(PDF_BYTES),
            "The files of one assessment may take at most",
        ),
    ],
)
def test_a_file_beyond_a_quota_is_refused_with_the_quota(
    monkeypatch, client, focal_point_norway, norway_assessment, limit, value, message
):
    monkeypatch.setattr(limits, limit, value)
    client.force_login(focal_point_norway)
    first, second = norway_assessment.answers.order_by("pk")[:2]
    assert "is attached" in upload_file(client, first).content.decode()
    assert "is attached" in upload_file(client, first).content.decode()

    target = second if limit.startswith("ASSESSMENT") else first
    page = upload_file(client, target, "third.pdf").content.decode()

    assert message in page
    assert Attachment.objects.count() == 2
    assert not Attachment.objects.filter(original_name="third.pdf").exists()


def test_the_history_of_files_records_only_the_file_that_came_or_went(
    first_answer, focal_point_norway
):
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        attachment_add(
            answer=first_answer,
            upload=SimpleUploadedFile(name, PDF_BYTES),
            checked_type=PDF,
            sha256=name * 4,
            user=focal_point_norway,
        )
    attachment_remove(
        attachment=Attachment.objects.get(original_name="b.pdf"), user=focal_point_norway
    )

    changes = list(first_answer.changes.order_by("pk").values_list("kind", "before", "after"))
    names = [
        (
            kind,
            [f["name"] for f in before["attachments"]],
            [f["name"] for f in after["attachments"]],
        )
        for kind, before, after in changes
    ]
    assert names == [
        ("attachment_added", [], ["a.pdf"]),
        ("attachment_added", [], ["b.pdf"]),
        ("attachment_added", [], ["c.pdf"]),
        ("attachment_removed", ["b.pdf"], []),
    ]


def totals_of(assessment):
    answers = list(assessment.answers.values_list("evidence", "links"))
    return (
        sum(len(evidence) for evidence, _ in answers),
        sum(limits.line_count(evidence) for evidence, _ in answers),
        sum(len(links) for _, links in answers),
    )


def stored_totals(assessment):
    assessment.refresh_from_db()
    return (assessment.evidence_chars, assessment.evidence_lines, assessment.link_count)


def test_the_assessments_evidence_totals_follow_every_save_refusal_and_copy(
    monkeypatch, norway_assessment, focal_point_norway, editor_norway, norway
):
    from assessments.services.answers import AnswerConflict
    from assessments.services.lifecycle import assessment_start, assessment_submit

    first, second = norway_assessment.answers.order_by("pk")[:2]
    save(first, focal_point_norway, "one\ntwo", ["https://a.example/"])
    save(second, focal_point_norway, "three")
    first.refresh_from_db()
    save(first, focal_point_norway, "one")  # shrinks
    stale = norway_assessment.answers.get(pk=second.pk)
    second.refresh_from_db()
    save(second, editor_norway, "three and four", ["https://b.example/", "https://c.example/"])
    with pytest.raises(AnswerConflict):  # refused: nothing counted
        save(stale, focal_point_norway, "x" * 500)
    monkeypatch.setattr(limits, "ASSESSMENT_EVIDENCE_MAX_CHARS", 30)
    first.refresh_from_db()
    with pytest.raises(ValidationError):  # over the limit: nothing counted
        save(first, focal_point_norway, "y" * 40)

    assert stored_totals(norway_assessment) == totals_of(norway_assessment) == (17, 2, 2)

    # A new cycle started from these answers counts what it copied.
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    from assessments.models import Cycle

    previous = norway_assessment.cycle
    cycle = Cycle.objects.create(
        code="2027",
        name="2027",
        deadline=previous.deadline.replace(year=previous.deadline.year + 2),
    )
    cycle.reports.set(previous.reports.all())
    copy = assessment_start(
        member_state=norway, cycle=cycle, started_by=focal_point_norway, copy_previous=True
    )
    assert stored_totals(copy) == totals_of(copy) == (17, 2, 2)


def test_every_limit_is_written_once():
    """Models, forms, services and templates import the limits; none repeats one (the
    values large enough to be told from a field's storage size or a page size)."""
    import ast
    import re
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    values = {
        value
        for name, value in vars(limits).items()
        if name.isupper() and isinstance(value, int) and value >= 5_000
    }
    repeated = []
    for path in sorted((repo / "assessments").rglob("*.py")):
        if "migrations" in path.parts or path.name == "limits.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and type(node.value) is int and node.value in values:
                repeated.append(f"{path.relative_to(repo)}:{node.lineno}: {node.value}")
    for path in sorted((repo / "templates").rglob("*.html")):
        for match in re.finditer(r'maxlength="\d+"', path.read_text()):
            repeated.append(f"{path.relative_to(repo)}: {match.group()}")
    assert repeated == []


def test_the_review_desks_comment_boxes_take_the_comments_limit(
    client, secretariat, norway_assessment, focal_point_norway
):
    from assessments.services.lifecycle import assessment_submit

    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    client.force_login(secretariat)
    html = client.get(
        reverse("admin:assessments_assessment_change", args=[norway_assessment.pk])
    ).content.decode()
    assert html.count(f'maxlength="{limits.COMMENT_MAX_CHARS}"') >= 2
