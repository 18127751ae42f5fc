"""What changed between two submissions: computed from their snapshots alone."""

import copy
import json
from pathlib import Path

import pytest

from assessments.selectors.changes import FileRef, snapshot_changes

LAW = {"name": "law.pdf", "sha256": "a" * 64, "size": 10}


def answer(code, **fields):
    return {
        "code": code,
        "text": f"Text of {code}.",
        "paragraphs": "1–5",
        "status": "",
        "evidence": "",
        "links": [],
        "attachments": [],
        "updated_at": None,
        "updated_by": None,
        **fields,
    }


def snapshot(*answers, year=2013, number=1):
    return {
        "format": 2,
        "language": "en",
        "member_state": {
            "name": "Norway",
            "iso3": "NOR",
            "regional_group": "western_european_other",
        },
        "cycle": {"code": "2025", "name": "2025", "deadline": "2025-06-25"},
        "submission": {
            "number": number,
            "submitted_at": "2025-06-01T00:00:00+00:00",
            "submitted_by": "nora",
        },
        "reports": [
            {
                "number": year - 2008,
                "year": year,
                "symbol": "A/1",
                "title": "R",
                "answers": list(answers),
            }
        ],
    }


def test_identical_submissions_have_no_changes():
    one = snapshot(answer("2013-MS-01", status="implemented", evidence="Law.", attachments=[LAW]))
    assert snapshot_changes(one, copy.deepcopy(one)) == []


def test_a_status_change_names_both_codes():
    [change] = snapshot_changes(
        snapshot(answer("2013-MS-01", status="not_started"), answer("2013-MS-02")),
        snapshot(answer("2013-MS-01", status="implemented"), answer("2013-MS-02")),
    )
    assert (change.code, change.year) == ("2013-MS-01", 2013)
    assert (change.status_before, change.status_after) == ("not_started", "implemented")
    assert change.status_changed
    assert not change.evidence_changed


def test_an_evidence_change_keeps_both_texts():
    [change] = snapshot_changes(
        snapshot(answer("2013-MS-01", evidence="Old <b>text</b>.")),
        snapshot(answer("2013-MS-01", evidence="New text.")),
    )
    assert (change.evidence_before, change.evidence_after) == ("Old <b>text</b>.", "New text.")
    assert change.evidence_changed
    assert not change.status_changed


def test_links_added_and_removed_are_listed_apart():
    [change] = snapshot_changes(
        snapshot(answer("2013-MS-01", links=["https://a.example", "https://b.example"])),
        snapshot(answer("2013-MS-01", links=["https://b.example", "https://c.example"])),
    )
    assert change.links_added == ("https://c.example",)
    assert change.links_removed == ("https://a.example",)


def test_a_reordered_list_of_links_is_no_change():
    links = ["https://a.example", "https://b.example"]
    assert (
        snapshot_changes(
            snapshot(answer("2013-MS-01", links=links)),
            snapshot(answer("2013-MS-01", links=links[::-1])),
        )
        == []
    )


def test_files_are_compared_by_name_and_content():
    replaced = {**LAW, "sha256": "b" * 64, "size": 12}
    other = {"name": "decree.pdf", "sha256": "c" * 64, "size": 5}
    [change] = snapshot_changes(
        snapshot(answer("2013-MS-01", attachments=[LAW])),
        snapshot(answer("2013-MS-01", attachments=[replaced, other])),
    )
    assert change.files_added == (
        FileRef("law.pdf", "b" * 64, 12),
        FileRef("decree.pdf", "c" * 64, 5),
    )
    assert change.files_removed == (FileRef("law.pdf", "a" * 64, 10),)
    assert not change.status_changed and not change.evidence_changed


def test_the_same_file_uploaded_again_is_no_change():
    assert (
        snapshot_changes(
            snapshot(answer("2013-MS-01", attachments=[LAW])),
            snapshot(answer("2013-MS-01", attachments=[dict(LAW)])),
        )
        == []
    )


def test_a_recommendation_new_in_the_later_submission_is_marked_new():
    previous = snapshot(answer("2013-MS-01"))
    current = snapshot(answer("2013-MS-01"))
    current["reports"].append(
        snapshot(answer("2024-MS-01", status="implemented", attachments=[LAW]), year=2024)[
            "reports"
        ][0]
    )
    [change] = snapshot_changes(previous, current)
    assert change.is_new
    assert (change.code, change.year) == ("2024-MS-01", 2024)
    assert change.status_before is None
    assert change.status_after == "implemented"
    assert change.files_added == (FileRef(**LAW),)


def test_changes_come_in_the_order_of_the_later_submission():
    codes = ["2013-MS-01", "2013-MS-02", "2013-MS-03"]
    changes = snapshot_changes(
        snapshot(*(answer(code) for code in codes)),
        snapshot(*(answer(code, status="implemented") for code in codes)),
    )
    assert [change.code for change in changes] == codes


def test_a_format_1_snapshot_compares_with_a_format_2_snapshot():
    data = Path(__file__).parent / "data" / "snapshot_v1.json"
    old = json.loads(data.read_text(encoding="utf-8"))
    new = {
        **snapshot(),
        "reports": [
            {
                **{key: value for key, value in report.items() if key != "responses"},
                "answers": [
                    {key: value for key, value in item.items() if key != "status_label"}
                    for item in report["responses"]
                ],
            }
            for report in old["reports"]
        ],
    }
    assert snapshot_changes(old, new) == []

    new["reports"][0]["answers"][1]["status"] = "implemented"
    [change] = snapshot_changes(old, new)
    assert (change.code, change.status_before, change.status_after) == (
        "2009-MS-02",
        "partially_implemented",
        "implemented",
    )


@pytest.mark.parametrize("field", ["status", "evidence"])
def test_a_change_made_and_undone_between_submissions_is_no_change(field):
    """Snapshots, not the recorded edits, are compared."""
    value = {"status": "implemented", "evidence": "Law."}[field]
    one = snapshot(answer("2013-MS-01", **{field: value}))
    assert snapshot_changes(one, snapshot(answer("2013-MS-01", **{field: value}))) == []
