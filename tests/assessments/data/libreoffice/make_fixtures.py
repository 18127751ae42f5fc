"""Make the LibreOffice workbooks of this folder again (README.md beside this file).

Not a test: pytest runs it only when named, as the README says, for its fixtures (the
tests' catalogue, Norway and its delegate) and its throwaway database:

    .venv/bin/python -m pytest tests/assessments/data/libreoffice/make_fixtures.py

It needs LibreOffice (soffice) and the system Python with LibreOffice's UNO bridge
(Debian: apt-get install libreoffice-calc-nogui python3-uno).
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.assessments.workbook_files import LIBREOFFICE_DATA, download, libreoffice_assessment

UNO_PYTHON = "/usr/bin/python3"


@pytest.mark.skipif(
    shutil.which("soffice") is None or not Path(UNO_PYTHON).exists(),
    reason="needs LibreOffice and its UNO bridge",
)
def test_make_the_libreoffice_workbooks(client, cycle, norway, focal_point_norway, tmp_path):
    assessment = libreoffice_assessment(
        cycle=cycle, member_state=norway, started_by=focal_point_norway
    )
    client.force_login(focal_point_norway)
    downloaded = tmp_path / "downloaded.xlsx"
    downloaded.write_bytes(download(client, assessment))
    subprocess.run(
        [
            UNO_PYTHON,
            str(LIBREOFFICE_DATA / "libreoffice_edit.py"),
            str(downloaded),
            str(LIBREOFFICE_DATA),
        ],
        check=True,
        timeout=300,
    )
    for name in ("unchanged", "edited"):
        for suffix in (".xlsx", ".ods"):
            assert (LIBREOFFICE_DATA / f"{name}{suffix}").stat().st_size < 40_000
