"""What a backup holds, and the check that it still holds it.

A backup is a folder (or the same folder as one .tar file):

    manifest.json       written last: a backup without it is incomplete
    database.pgdump     `pg_dump --format=custom` (PostgreSQL), or
    database.sqlite3    a copy made by SQLite's online backup API
    files/<name>        every stored file, under its storage name

The manifest records the database file's and every stored file's SHA-256 and size, the
rows of every table and the migrations applied, as read in the snapshot the dump was
made from, and when. `backup_check` reads everything back against it before a restore
touches anything.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

FORMAT = "r2p-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
FILES_FOLDER = "files"
DATABASE_FILE_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK_BYTES = 1024 * 1024
# Problems named one by one before the rest are only counted: a backup with every file
# damaged should not print thousands of lines.
PROBLEMS_LISTED = 20


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why and what to do."""


class BackupDamaged(BackupError):
    """A backup whose content is not what its manifest says (or that has no manifest)."""

    def __init__(self, source, problems: list[str]):
        self.problems = problems
        listed = problems[:PROBLEMS_LISTED]
        if len(problems) > len(listed):
            listed.append(f"... and {len(problems) - len(listed)} more")
        super().__init__(
            f"The backup {source} is damaged or incomplete; nothing was restored:\n  "
            + "\n  ".join(listed)
        )


@dataclass(frozen=True)
class FileEntry:
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    created_at: str
    engine: str
    database: FileEntry
    # "app_label.migration_name", as recorded in django_migrations.
    migrations: list[str]
    tables: dict[str, int]
    files: list[FileEntry]
    # Per FileField ("assessments.Submission.pdf"), how many rows name a file.
    references: dict[str, int] = field(default_factory=dict)
    # Files the rows name that the storage did not hold when the backup was made.
    missing_files: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"format": FORMAT, "version": FORMAT_VERSION, **asdict(self)}

    @classmethod
    def from_json(cls, data) -> "Manifest":
        """Raises ValueError naming what is wrong."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"it is not a manifest of this site's backups (format {FORMAT!r})")
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(
                f"it is of format version {data.get('version')!r}; this site reads "
                f"version {FORMAT_VERSION}"
            )
        try:
            manifest = cls(
                created_at=str(data["created_at"]),
                engine=str(data["engine"]),
                database=_entry(data["database"]),
                migrations=[str(name) for name in data["migrations"]],
                tables={str(name): int(rows) for name, rows in data["tables"].items()},
                files=[_entry(item) for item in data["files"]],
                references={str(k): int(v) for k, v in data.get("references", {}).items()},
                missing_files=[str(name) for name in data.get("missing_files", [])],
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"a field is missing or malformed ({error!r})") from None
        if manifest.engine not in DATABASE_FILE_NAMES:
            raise ValueError(f"unknown database engine {manifest.engine!r}")
        if manifest.database.name != DATABASE_FILE_NAMES[manifest.engine]:
            raise ValueError(f"unexpected database file {manifest.database.name!r}")
        unsafe = [entry.name for entry in manifest.files if not is_safe_name(entry.name)]
        if unsafe:
            raise ValueError(f"file names that would leave the storage: {unsafe[:5]}")
        return manifest


def _entry(data) -> FileEntry:
    entry = FileEntry(name=str(data["name"]), sha256=str(data["sha256"]), size=int(data["size"]))
    if len(entry.sha256) != 64 or entry.size < 0:
        raise ValueError(f"bad SHA-256 or size for {entry.name}")
    return entry


def is_safe_name(name: str) -> bool:
    """A storage name that stays inside the storage (and inside the backup's files/)."""
    parts = name.split("/")
    return (
        bool(name)
        and "\\" not in name
        and "\x00" not in name
        and all(part not in ("", ".", "..") for part in parts)
    )


def digest_of_path(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def manifest_write(root: Path, manifest: Manifest) -> None:
    (root / MANIFEST_NAME).write_text(
        json.dumps(manifest.as_json(), indent=1, sort_keys=True, ensure_ascii=False),
        encoding="utf-8",
    )


def manifest_read(root: Path, source) -> Manifest:
    path = root / MANIFEST_NAME
    if not path.is_file():
        raise BackupDamaged(
            source,
            [
                f"no {MANIFEST_NAME}: the backup is incomplete (it is written last) or this is "
                "not a backup"
            ],
        )
    try:
        return Manifest.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupDamaged(source, [f"{MANIFEST_NAME} is unreadable: {error}"]) from None


def backup_check(root: Path, source=None) -> Manifest:
    """The manifest, once the database file and every stored file in the backup have the
    SHA-256 and size it records, and no file is there that it does not list; otherwise
    BackupDamaged, listing every difference. Reads every byte; writes nothing."""
    source = source or root
    manifest = manifest_read(root, source)
    problems = _entry_problems(root / manifest.database.name, manifest.database)
    files_root = root / FILES_FOLDER
    listed = set()
    for entry in manifest.files:
        listed.add(entry.name)
        problems += _entry_problems(files_root / entry.name, entry, label=f"file {entry.name}")
    if files_root.is_dir():
        for path in sorted(files_root.rglob("*")):
            name = path.relative_to(files_root).as_posix()
            if path.is_file() and name not in listed:
                problems.append(f"file {name}: in the backup but not in its manifest")
    if problems:
        raise BackupDamaged(source, problems)
    return manifest


def _entry_problems(path: Path, entry: FileEntry, label: str = "") -> list[str]:
    label = label or entry.name
    if not path.is_file():
        return [f"{label}: missing"]
    sha256, size = digest_of_path(path)
    if size != entry.size:
        return [f"{label}: {size} bytes, the manifest says {entry.size}"]
    if sha256 != entry.sha256:
        return [f"{label}: SHA-256 {sha256} differs from the manifest's {entry.sha256}"]
    return []
