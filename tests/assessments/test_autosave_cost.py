"""What an autosave costs the database when two colleagues type in the same answer: the
load benchmark (docs/benchmarks.md) makes a third of its saves stale and a third save over
a conflict, so these paths are pinned like the accepted save (test_views)."""

import pytest
from django.urls import reverse

from assessments.models import Answer

pytestmark = pytest.mark.django_db


def _post(client, answer, *, version, evidence, resolve=False):
    data = {
        f"r{answer.pk}-status": "implemented",
        f"r{answer.pk}-evidence": evidence,
        f"r{answer.pk}-links": "",
        f"r{answer.pk}-version": version,
    }
    if resolve:
        data["resolve"] = "1"
    url = reverse("assessments:answer_save", args=[answer.assessment_id, answer.pk])
    return client.post(url, data, headers={"HX-Request": "true"})


@pytest.fixture
def signed_in_editor(client, editor_norway, norway_assessment):
    client.force_login(editor_norway)
    # A session's first request records its start (accounts.middleware); these tests
    # count the requests after it.
    client.get(reverse("assessments:report_answers", args=[norway_assessment.pk, 2013]))
    return client


def test_a_save_refused_as_stale_writes_nothing_and_opens_no_transaction(
    signed_in_editor, first_answer, django_assert_num_queries
):
    assert _post(signed_in_editor, first_answer, version=0, evidence="Mine.").status_code == 200

    # The session, the user with their delegation, the answer, the answer as stored now,
    # and the card's themes, files and comments: no savepoint, no write.
    with django_assert_num_queries(7) as queries:
        refused = _post(signed_in_editor, first_answer, version=0, evidence="Theirs.")

    assert refused["HX-Retarget"] == f"#answer-{first_answer.pk}"
    assert "Mine." in refused.content.decode()
    assert not any("SAVEPOINT" in query["sql"] for query in queries.captured_queries)
    assert Answer.objects.get(pk=first_answer.pk).evidence == "Mine."


def test_a_save_over_a_conflict_sends_the_card_without_reading_the_recommendation_again(
    signed_in_editor, first_answer, django_assert_num_queries
):
    _post(signed_in_editor, first_answer, version=0, evidence="Mine.")

    # The accepted save's six (test_views; no second factor for an editor) with the
    # savepoint of the test's transaction and its release, then the card's themes, files
    # and comments.
    with django_assert_num_queries(6 + 2 + 3) as queries:
        card = _post(signed_in_editor, first_answer, version=1, evidence="Ours.", resolve=True)

    page = card.content.decode()
    assert first_answer.recommendation.code in page
    assert "Ours." in page
    reads_of_the_recommendation = [
        query for query in queries.captured_queries if "catalogue_recommendation" in query["sql"]
    ]
    assert len(reads_of_the_recommendation) == 1  # with the answer, at the start
    assert Answer.objects.get(pk=first_answer.pk).version == 2
