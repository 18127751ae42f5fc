"""The secretariat's review desk: progress list, review page, transitions, exports, overview."""

import csv
import io

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from assessments import policy
from assessments.models import Answer, AssessmentStatus, ReviewComment, StatusChange
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.lifecycle import TransitionRefused, assessment_start, assessment_submit
from assessments.services.review import assessment_accept, assessment_return, review_comment_add
from delegations.models import MemberState, RegionalGroup

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:assessments_assessment_changelist"


def review_url(assessment):
    return reverse("admin:assessments_assessment_change", args=[assessment.pk])


@pytest.fixture
def submitted(norway_assessment, focal_point_norway, first_answer):
    answer_save(
        answer=first_answer,
        content=AnswerContent(status="implemented", evidence='=HYPERLINK("http://evil")', links=[]),
        base_version=0,
        user=focal_point_norway,
    )
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    # A control character that no form lets through, written behind the services' back:
    # exports must still clean it. (A submit refuses it: the report cannot print it.)
    Answer.objects.filter(pk=first_answer.pk).update(evidence='=HYPERLINK("http://evil")\x0b')
    norway_assessment.refresh_from_db()
    return norway_assessment


# Transitions (services)


def test_returning_needs_a_comment_and_reopens_the_assessment(submitted, secretariat):
    with pytest.raises(ValueError, match="Write a comment"):
        assessment_return(assessment=submitted, user=secretariat, seen_submission=1, text="  ")
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED

    change = assessment_return(
        assessment=submitted, user=secretariat, seen_submission=1, text="Add evidence."
    )

    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.RETURNED
    assert policy.may_edit(submitted)
    assert (change.from_status, change.to_status) == ("submitted", "returned")
    assert change.changed_by == secretariat
    assert change.comment.text == "Add evidence."


def test_accepting_is_recorded_with_who_and_when(submitted, secretariat):
    change = assessment_accept(assessment=submitted, user=secretariat, seen_submission=1)
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.ACCEPTED
    assert not policy.may_edit(submitted)
    assert change.changed_by == secretariat
    assert change.changed_at is not None


@pytest.mark.parametrize("status", ["draft", "returned", "accepted"])
def test_only_a_submitted_assessment_can_be_returned_or_accepted(
    norway_assessment, secretariat, status
):
    norway_assessment.status = status
    norway_assessment.save()
    with pytest.raises(TransitionRefused, match=r"Only a submitted assessment|already been"):
        assessment_return(
            assessment=norway_assessment, user=secretariat, seen_submission=1, text="Why?"
        )
    with pytest.raises(TransitionRefused):
        assessment_accept(
            assessment=norway_assessment, user=secretariat, seen_submission=1, text="Fine."
        )
    norway_assessment.refresh_from_db()
    assert norway_assessment.status == status
    assert not ReviewComment.objects.exists()  # a refused transition keeps no comment
    assert not StatusChange.objects.exclude(to_status="submitted").exists()


def test_a_comment_on_another_assessments_answer_is_refused(
    norway_assessment, kenya_assessment, secretariat
):
    kenyan_answer = kenya_assessment.answers.first()
    with pytest.raises(ValueError):
        review_comment_add(
            assessment=norway_assessment, text="Hm.", user=secretariat, answer=kenyan_answer
        )
    assert not ReviewComment.objects.exists()


def test_returned_commented_resubmitted_then_accepted(
    client, submitted, secretariat, focal_point_norway, first_answer
):
    client.force_login(secretariat)
    client.post(
        review_url(submitted),
        {"action": "comment", "answer": first_answer.pk, "text": "Cite the law."},
    )
    asked = client.post(
        review_url(submitted),
        {"action": "return", "text": "Please complete 2014.", "submission": 1},
    ).content.decode()
    assert "will be able to edit the assessment again and will see your comment" in asked
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED  # not before it is confirmed
    client.post(
        review_url(submitted),
        {"action": "return", "text": "Please complete 2014.", "submission": 1, "confirmed": "1"},
    )
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.RETURNED

    # The delegation sees both comments and may edit again.
    client.force_login(focal_point_norway)
    overview = client.get(submitted.get_absolute_url()).content.decode()
    assert "Please complete 2014." in overview
    assert "returned this assessment for revision" in overview
    page = client.get(reverse("assessments:report_answers", args=[submitted.pk, 2013]))
    assert "Cite the law." in page.content.decode()
    assert 'hx-post="' in page.content.decode()
    first_answer.refresh_from_db()
    prefix = f"r{first_answer.pk}-"
    saved = client.post(
        reverse("assessments:answer_save", args=[submitted.pk, first_answer.pk]),
        {
            prefix + "status": "implemented",
            prefix + "evidence": "Law 12/2021.",
            prefix + "links": "",
            prefix + "version": first_answer.version,
        },
    )
    assert saved.status_code == 302
    client.post(reverse("assessments:assessment_submit", args=[submitted.pk]), {"confirm": "on"})
    assert submitted.submissions.count() == 2

    client.force_login(secretariat)
    client.post(
        review_url(submitted), {"action": "accept", "text": "", "submission": 2, "confirmed": "1"}
    )
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.ACCEPTED
    assert list(submitted.status_changes.values_list("to_status", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]


# The review page


def test_the_review_page_shows_answers_history_files_and_pdfs(client, submitted, secretariat):
    client.force_login(secretariat)
    html = client.get(review_url(submitted)).content.decode()
    assert '<strong>Answered:</strong> <span dir="ltr" class="review-fraction">1 / 5</span>' in html
    assert "(1 implemented, 0 partially, 0 not started)" in html
    assert "2013-MS-01" in html
    assert "2014-MS-02" in html
    assert "=HYPERLINK(&quot;http://evil&quot;)" in html  # escaped
    assert "1 change" in html
    assert reverse("assessments:submission_pdf", args=[submitted.pk, 1]) in html
    assert "Return version 1 for revision" in html
    assert '<input type="hidden" name="submission" value="1">' in html


def test_a_return_without_comment_is_refused_on_the_review_page(client, submitted, secretariat):
    client.force_login(secretariat)
    result = client.post(
        review_url(submitted), {"action": "return", "text": "", "submission": 1}, follow=True
    )
    assert "Write a comment" in result.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED


def test_bad_review_input_gets_a_message_and_changes_nothing(client, submitted, secretariat):
    client.force_login(secretariat)
    too_long = client.post(
        review_url(submitted), {"action": "return", "text": "x" * 5001}, follow=True
    )
    assert "Comment: Ensure this value has at most 5000 characters" in too_long.content.decode()
    unknown = client.post(review_url(submitted), {"action": "delete", "text": "x"}, follow=True)
    assert "Action: Select a valid choice." in unknown.content.decode()
    assert (
        client.get(reverse("admin:assessments_assessment_change", args=["abc"])).status_code == 404
    )
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED
    assert not ReviewComment.objects.exists()


def test_a_tampered_answer_id_is_refused_on_the_review_page(
    client, submitted, kenya_assessment, secretariat
):
    client.force_login(secretariat)
    kenyan = kenya_assessment.answers.first()
    result = client.post(
        review_url(submitted), {"action": "comment", "answer": kenyan.pk, "text": "x"}
    )
    assert result.status_code == 404
    assert not ReviewComment.objects.exists()


def test_review_page_queries_do_not_grow_with_answers(
    client, submitted, secretariat, django_assert_max_num_queries
):
    client.force_login(secretariat)
    with django_assert_max_num_queries(20):
        client.get(review_url(submitted))


# Permissions


def test_delegation_users_cannot_reach_the_admin(client, focal_point_norway, submitted):
    client.force_login(focal_point_norway)
    for url in [reverse("admin:index"), reverse(CHANGELIST), review_url(submitted)]:
        result = client.get(url)
        assert result.status_code == 302
        assert result.url.startswith(reverse("admin:login"))
    assert client.get(reverse("admin:assessments_overview")).status_code == 302


def test_staff_without_the_review_permission_cannot_review(client, django_user_model, submitted):
    staff = django_user_model.objects.create_user("helpdesk", is_staff=True)
    # Staff pass the second sign-in step before the admin checks any permission.
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    assert client.get(review_url(submitted)).status_code == 403
    assert client.post(review_url(submitted), {"action": "accept"}).status_code == 403
    assert client.get(reverse("admin:assessments_overview")).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED


# The list


def test_the_list_shows_progress_and_filters_by_progress_band(
    client, secretariat, submitted, kenya_assessment
):
    client.force_login(secretariat)
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert "Norway" in html
    assert "1 / 5" in html
    assert "0 / 5" in html
    started = client.get(reverse(CHANGELIST), {"progress": "started"}).content.decode()
    assert "Norway" in started
    assert "Kenya" not in started
    nothing = client.get(reverse(CHANGELIST), {"progress": "none"}).content.decode()
    assert "Kenya" in nothing
    assert "Norway" not in nothing


def test_searching_a_state_ignores_the_kind_of_apostrophe(client, secretariat, cycle):
    state = MemberState.objects.create(
        name="Côte d’Ivoire", iso3="CIV", regional_group=RegionalGroup.AFRICAN
    )
    assessment_start(member_state=state, cycle=cycle, started_by=secretariat)
    client.force_login(secretariat)
    html = client.get(reverse(CHANGELIST), {"q": "d'Ivoire"}).content.decode()
    assert "Côte d’Ivoire" in html


def test_the_list_runs_a_constant_number_of_queries(
    client, secretariat, cycle, django_user_model, django_assert_num_queries
):
    client.force_login(secretariat)
    client.get(reverse(CHANGELIST))  # sessions and content types are cached after this
    # 8 for the page, 1 for the two-factor device that verified the session.
    with django_assert_num_queries(9) as few:
        client.get(reverse(CHANGELIST))
    for index in range(4):
        state = MemberState.objects.create(
            name=f"State {index}",
            iso3=f"ZZ{'ABCD'[index]}",
            regional_group=RegionalGroup.ASIA_PACIFIC,
        )
        assessment_start(member_state=state, cycle=cycle, started_by=secretariat)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse(CHANGELIST))


# Exports


def run_action(client, action, assessments):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [a.pk for a in assessments]},
    )


def test_csv_export_has_a_row_per_submitted_state_and_recommendation_with_formulas_escaped(
    client, secretariat, submitted, kenya_assessment
):
    client.force_login(secretariat)
    result = run_action(client, "export_csv", [submitted, kenya_assessment])
    assert "r2p-assessments-submitted-" in result["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(result.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Member State", "ISO code", "Regional group"]
    assert header[5:12] == [
        "Source",
        "Report",
        "Report symbol",
        "Target",
        "Recommendation",
        "Recommendation text",
        "Paragraphs",
    ]
    # Kenya has not submitted: its draft is not in an export of submitted answers.
    assert len(body) == 5
    assert {row[1] for row in body} == {"NOR"}
    norway_first = next(row for row in body if row[9] == "2013-MS-01")
    assert (
        norway_first[5]
        == f"Submitted version 1, {submitted.submissions.get().submitted_at:%Y-%m-%d}"
    )
    assert norway_first[6:9] == ["2013", "A/67/1", "Member States"]
    assert norway_first[10] == "Recommendation 1 of 2013 to MS."
    assert norway_first[12] == "Implemented"
    assert norway_first[13] == '\'=HYPERLINK("http://evil")'  # cleaned as the XLSX is


def test_an_export_holds_the_submitted_version_not_later_edits(
    client, secretariat, focal_point_norway, submitted
):
    submitted.status = "returned"
    submitted.save()
    answer = submitted.answers.get(recommendation__code="2013-MS-02")
    answer.assessment = submitted
    answer_save(
        answer=answer,
        content=AnswerContent(status="not_started", evidence="Revised draft.", links=[]),
        base_version=0,
        user=focal_point_norway,
    )
    client.force_login(secretariat)
    body = list(
        csv.reader(
            io.StringIO(run_action(client, "export_csv", [submitted]).content.decode("utf-8-sig"))
        )
    )[1:]
    row = next(row for row in body if row[9] == "2013-MS-02")
    assert row[5].startswith("Submitted version 1") and row[13] == ""
    result = run_action(client, "export_csv_with_drafts", [submitted])
    assert "r2p-assessments-with-drafts-" in result["Content-Disposition"]
    body = list(csv.reader(io.StringIO(result.content.decode("utf-8-sig"))))[1:]
    row = next(row for row in body if row[9] == "2013-MS-02")
    assert row[5] == "Live draft, not submitted" and row[13] == "Revised draft."


def test_drafts_are_included_only_when_asked_for(client, secretariat, submitted, kenya_assessment):
    client.force_login(secretariat)
    result = run_action(client, "export_xlsx_with_drafts", [submitted, kenya_assessment])
    book = load_workbook(io.BytesIO(result.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 2 * 5
    sources = {(row[1], row[5].split(",")[0]) for row in rows[1:]}
    assert sources == {("NOR", "Submitted version 1"), ("KEN", "Live draft")}
    assert "Live drafts included" in book.worksheets[1]["A2"].value


def test_xlsx_export_matches_the_csv_with_frozen_header_filters_and_widths(
    client, secretariat, submitted
):
    client.force_login(secretariat)
    result = run_action(client, "export_xlsx", [submitted])
    book = load_workbook(io.BytesIO(result.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 5
    first = next(row for row in rows if row[9] == "2013-MS-01")
    # The text exactly as submitted, without the control character and with no
    # apostrophe added: a string cell with the quote prefix, not a formula.
    assert first[13] == '=HYPERLINK("http://evil")'
    [cell] = [cell for cell in sheet["N"] if cell.value == first[13]]
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:Q6"
    assert sheet.column_dimensions["K"].width == 60
    assert "Submitted versions only" in book.worksheets[1]["A2"].value


def test_a_zip_of_nothing_submitted_is_refused_with_a_message(
    client, secretariat, kenya_assessment
):
    client.force_login(secretariat)
    result = run_action(client, "download_pdfs", [kenya_assessment])
    assert result.status_code == 302
    page = client.get(result.url)
    assert "None of the selected assessments has been submitted." in page.content.decode()


# The global overview


def test_the_overview_counts_submitted_answers_by_report_and_group(
    client, secretariat, submitted, kenya_assessment
):
    client.force_login(secretariat)
    html = client.get(reverse("admin:assessments_overview")).content.decode()
    assert "1 of 2 Member States has submitted." in html
    assert "2 States have started an assessment." in html
    assert "<svg" in html
    assert "Western European and other States" in html  # Norway's group
    page = client.get(reverse("admin:assessments_overview"))
    by_report = {item.label: item.counts for item in page.context["reports"]}
    assert by_report["2013"] == {
        "implemented": 1,
        "partially_implemented": 0,
        "not_started": 0,
        "": 2,
    }
    everything = client.get(reverse("admin:assessments_overview"), {"scope": "all"})
    by_report = {item.label: item.counts for item in everything.context["reports"]}
    assert by_report["2013"][""] == 2 + 3  # Kenya's draft counts too
    assert client.get(reverse("admin:assessments_overview"), {"scope": "x"}).status_code == 404
    assert client.get(reverse("admin:assessments_overview"), {"cycle": "1999"}).status_code == 404


def test_the_overview_gives_each_recommendation_in_the_readers_language(
    client, secretariat, submitted, settings
):
    from catalogue.models import Recommendation, RecommendationTranslation

    RecommendationTranslation.objects.create(
        recommendation=Recommendation.objects.get(code="2013-MS-01"),
        language="fr",
        text="Adopter une stratégie nationale.",
    )
    client.force_login(secretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("admin:assessments_overview")).content.decode()
    assert 'title="Adopter une stratégie nationale."' in page


def test_the_overview_is_also_a_pdf(client, secretariat, submitted):
    client.force_login(secretariat)
    result = client.get(reverse("admin:assessments_overview_pdf"))
    assert result.content.startswith(b"%PDF-")
    assert result["Content-Disposition"] == 'attachment; filename="R2P-overview-2025-submitted.pdf"'


def test_the_overview_runs_a_constant_number_of_queries(
    client, secretariat, submitted, cycle, django_assert_num_queries
):
    client.force_login(secretariat)
    url = reverse("admin:assessments_overview")
    client.get(url)
    # 12 for the page (the themes listed), 1 for the two-factor device that verified the session.
    with django_assert_num_queries(13) as few:
        client.get(url)
    state = MemberState.objects.create(
        name="Extra", iso3="XTR", regional_group=RegionalGroup.LATIN_AMERICAN_CARIBBEAN
    )
    assessment_start(member_state=state, cycle=cycle, started_by=secretariat)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_an_accept_of_a_version_older_than_the_latest_is_refused_and_names_it(
    client, submitted, secretariat, focal_point_norway
):
    """A second reviewer returned version 1 and the delegation resubmitted meanwhile."""
    assessment_return(assessment=submitted, user=secretariat, seen_submission=1, text="More.")
    submitted.answers.update(evidence="Revised.")  # without the fixture's control character
    assessment_submit(assessment=submitted, submitted_by=focal_point_norway)
    client.force_login(secretariat)

    page = client.post(
        review_url(submitted),
        {"action": "accept", "text": "", "submission": 1, "confirmed": "1"},
        follow=True,
    ).content.decode()

    assert "Version 2 was submitted after the version 1 you reviewed" in page
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED


def test_a_return_or_accept_that_does_not_say_which_version_was_reviewed_is_refused(
    client, submitted, secretariat
):
    client.force_login(secretariat)
    page = client.post(
        review_url(submitted), {"action": "accept", "text": ""}, follow=True
    ).content.decode()
    assert "Reload the review page" in page
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED


# Who is told of a comment, a return, an acceptance


def messages_of(page) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in page.context["messages"]]


def test_a_comment_nobody_can_be_told_of_is_added_with_a_warning_saying_why(
    client, submitted, secretariat
):
    client.force_login(secretariat)
    page = client.post(
        review_url(submitted), {"action": "comment", "text": "Cite the law."}, follow=True
    )
    assert messages_of(page) == [
        (
            "warning",
            "Your comment has been added. No one in the delegation of Norway is told by "
            "e-mail: no member of the delegation has an e-mail address on record.",
        )
    ]
    assert ReviewComment.objects.get().text == "Cite the law."


def test_return_and_accept_say_how_many_members_of_the_delegation_are_told(
    client, submitted, secretariat, focal_point_norway, editor_norway
):
    for user in (focal_point_norway, editor_norway):
        user.email = f"{user.username}@mfa.example"
        user.save()
    client.force_login(secretariat)
    asked = client.post(
        review_url(submitted), {"action": "return", "text": "More.", "submission": 1}
    )
    assert "<p>2 members of the delegation are told by e-mail.</p>" in asked.content.decode()
    returned = client.post(
        review_url(submitted),
        {"action": "return", "text": "More.", "submission": 1, "confirmed": "1"},
        follow=True,
    )
    assert messages_of(returned) == [
        (
            "success",
            "The assessment is returned; the delegation can edit it again. 2 members of the "
            "delegation are told by e-mail.",
        )
    ]

    editor_norway.email = ""
    editor_norway.save()
    submitted.answers.update(evidence="Revised.")  # without the fixture's control character
    submitted.refresh_from_db()
    assessment_submit(assessment=submitted, submitted_by=focal_point_norway)
    accepted = client.post(
        review_url(submitted),
        {"action": "accept", "text": "", "submission": 2, "confirmed": "1"},
        follow=True,
    )
    assert messages_of(accepted) == [
        (
            "success",
            "The assessment is accepted. 1 member of the delegation is told by e-mail.",
        )
    ]


def test_an_accept_nobody_can_be_told_of_still_happens_with_a_warning(
    client, submitted, secretariat
):
    client.force_login(secretariat)
    asked = client.post(
        review_url(submitted), {"action": "accept", "text": "", "submission": 1}
    ).content.decode()
    assert (
        '<li class="warning">No one in the delegation of Norway is told by e-mail: no member '
        "of the delegation has an e-mail address on record.</li>"
    ) in asked
    page = client.post(
        review_url(submitted),
        {"action": "accept", "text": "", "submission": 1, "confirmed": "1"},
        follow=True,
    )
    assert messages_of(page) == [
        (
            "warning",
            "The assessment is accepted. No one in the delegation of Norway is told by "
            "e-mail: no member of the delegation has an e-mail address on record.",
        )
    ]
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.ACCEPTED


# "No evidence" counts what the delegation's submit page counts


def test_no_evidence_counts_the_answered_answers_without_evidence_as_the_submit_page_does(
    client, norway_assessment, focal_point_norway, secretariat
):
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments.services.answers import attachment_add
    from assessments.uploads import check_upload

    answers = {
        answer.recommendation.code: answer
        for answer in norway_assessment.answers.select_related("recommendation")
    }

    def save(code, status, evidence="", links=()):
        answer = answers[code]
        answer.refresh_from_db()
        answer_save(
            answer=answer,
            content=AnswerContent(status=status, evidence=evidence, links=list(links)),
            base_version=answer.version,
            user=focal_point_norway,
        )

    save("2013-MS-01", "implemented", evidence="Law 12/2021.")
    save("2013-MS-02", "implemented", links=["https://example.org/law"])
    save("2013-MS-03", "partially_implemented")  # a file below is its only evidence
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    upload = SimpleUploadedFile("law.pdf", pdf)
    attachment_add(
        answer=answers["2013-MS-03"],
        upload=upload,
        checked_type=check_upload(upload),
        sha256=hashlib.sha256(pdf).hexdigest(),
        user=focal_point_norway,
    )
    save("2014-MS-01", "not_started", evidence="   ")  # blanks are no evidence
    save("2014-MS-02", "", evidence="A draft, not answered yet.")

    client.force_login(focal_point_norway)
    submit_page = client.get(reverse("assessments:assessment_submit", args=[norway_assessment.pk]))
    client.force_login(secretariat)
    review = client.get(review_url(norway_assessment) + "?show=no_evidence")

    def codes(answers):
        return [answer.recommendation.code for answer in answers]

    shown = [answer for _report, answers in review.context["reports"] for answer in answers]
    counts = {item["name"]: item["count"] for item in review.context["filters"]}
    assert codes(submit_page.context["without_evidence"]) == ["2014-MS-01"]
    assert codes(shown) == ["2014-MS-01"]
    assert (counts["no_evidence"], counts["not_answered"]) == (1, 1)
    not_answered = client.get(review_url(norway_assessment) + "?show=not_answered")
    assert codes(
        answer for _report, answers in not_answered.context["reports"] for answer in answers
    ) == ["2014-MS-02"]


# The review page stays short


def test_each_answers_comment_box_is_closed_until_opened(client, submitted, secretariat):
    client.force_login(secretariat)
    html = client.get(review_url(submitted)).content.decode()
    boxes = html.split('<details class="review-comment-form">')[1:]
    assert len(boxes) == 5  # one per answer, every one closed
    first = submitted.answers.get(recommendation__code="2013-MS-01")
    assert '<summary>Comment on <span dir="ltr">2013-MS-01</span></summary>' in boxes[0]
    assert f'<textarea id="comment-{first.pk}" name="text"' in boxes[0]
    # The comment on the whole assessment, with return and accept, stays in view.
    assert html.index('id="review-text"') < html.index('<details class="review-comment-form">')
    assert "js/admin_review.js" in html
