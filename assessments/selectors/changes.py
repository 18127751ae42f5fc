"""What changed between two submissions of an assessment, read from their snapshots.

Snapshots are compared rather than the recorded answer changes: a submission is exactly
what was submitted, whatever was typed and undone in between. Both formats are read
through `snapshot.readable`, so a format 1 snapshot compares with a format 2 one.
Statuses stay codes; labels are put in when the page is rendered.
"""

from dataclasses import dataclass, field

from ..documents.snapshot import readable


@dataclass(frozen=True)
class FileRef:
    name: str
    sha256: str
    size: int = 0


@dataclass(frozen=True)
class AnswerChangeSummary:
    """One answer that differs between two submissions; `is_new` when the earlier
    submission had no such recommendation (a report added to the cycle, say)."""

    code: str
    year: int
    text: str
    status_before: str | None
    status_after: str
    evidence_before: str | None
    evidence_after: str
    links_added: tuple[str, ...] = ()
    links_removed: tuple[str, ...] = ()
    files_added: tuple[FileRef, ...] = ()
    files_removed: tuple[FileRef, ...] = ()
    is_new: bool = False

    @property
    def status_changed(self) -> bool:
        return self.status_before != self.status_after

    @property
    def evidence_changed(self) -> bool:
        return self.evidence_before != self.evidence_after


@dataclass(frozen=True)
class _Answer:
    year: int
    text: str
    status: str
    evidence: str
    links: tuple[str, ...]
    files: tuple[FileRef, ...] = field(default=())


def _answers(snapshot: dict) -> dict[str, _Answer]:
    answers = {}
    for report in readable(snapshot)["reports"]:
        for answer in report["answers"]:
            answers[answer["code"]] = _Answer(
                year=report["year"],
                text=answer.get("text", ""),
                status=answer.get("status", ""),
                evidence=answer.get("evidence", ""),
                links=tuple(answer.get("links", ())),
                files=tuple(
                    FileRef(name=item["name"], sha256=item["sha256"], size=item.get("size", 0))
                    for item in answer.get("attachments", ())
                ),
            )
    return answers


def _minus(items: tuple, others: tuple) -> tuple:
    """Items of `items` not in `others`, in order, counting repeats."""
    remaining = list(others)
    result = []
    for item in items:
        if item in remaining:
            remaining.remove(item)
        else:
            result.append(item)
    return tuple(result)


def _file_minus(files: tuple[FileRef, ...], others: tuple[FileRef, ...]) -> tuple:
    # A file is the same file when its name and content are: the size follows the content.
    return _minus(
        tuple((f.name, f.sha256) for f in files), tuple((f.name, f.sha256) for f in others)
    )


def snapshot_changes(previous: dict, current: dict) -> list[AnswerChangeSummary]:
    """The answers of `current` that differ from `previous`, in `current`'s order.

    Recommendations that `current` no longer holds are left out: the review is of what
    the delegation submitted now.
    """
    before = _answers(previous)
    changes = []
    for code, after in _answers(current).items():
        old = before.get(code)
        if old is None:
            changes.append(
                AnswerChangeSummary(
                    code=code,
                    year=after.year,
                    text=after.text,
                    status_before=None,
                    status_after=after.status,
                    evidence_before=None,
                    evidence_after=after.evidence,
                    links_added=after.links,
                    files_added=after.files,
                    is_new=True,
                )
            )
            continue
        by_key = {(f.name, f.sha256): f for f in (*old.files, *after.files)}
        added = tuple(by_key[key] for key in _file_minus(after.files, old.files))
        removed = tuple(by_key[key] for key in _file_minus(old.files, after.files))
        links_added = _minus(after.links, old.links)
        links_removed = _minus(old.links, after.links)
        if (
            old.status == after.status
            and old.evidence == after.evidence
            and not (links_added or links_removed or added or removed)
        ):
            continue
        changes.append(
            AnswerChangeSummary(
                code=code,
                year=after.year,
                text=after.text,
                status_before=old.status,
                status_after=after.status,
                evidence_before=old.evidence,
                evidence_after=after.evidence,
                links_added=links_added,
                links_removed=links_removed,
                files_added=added,
                files_removed=removed,
            )
        )
    return changes
