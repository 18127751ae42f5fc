"""Open a workbook the site downloaded in the real LibreOffice Calc, edit it as a
delegation would, and save what the upload tests read (README.md beside this file).

Run by make_fixtures.py with the system Python, which has LibreOffice's UNO bridge
(Debian's python3-uno):

    /usr/bin/python3 libreoffice_edit.py DOWNLOADED.xlsx OUTPUT_FOLDER

It writes, each as .xlsx (the "Calc MS Excel 2007 XML" filter) and as .ods:
- unchanged: opened and saved again, nothing typed;
- edited: the answers sheet unprotected (as it must be to change rows), a column
  "Notes" inserted before Evidence, values typed into cells as a person types them
  (the dispatcher's GoToCell and EnterString, which go where the keyboard's input goes:
  the cell's number format decides whether "3/4" becomes a date), the rows sorted by
  code from Z to A, and the row of 2013-MS-02 deleted.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.table import TableSortField

# What is typed, by code: {column key: text}. Read by the tests as EDITS in
# test_workbook_libreoffice.py, which must say the same.
TYPED = {
    "2013-MS-03": {"status": "Implemented", "evidence": "01/03/2019"},
    "2015-MS-01": {"evidence": "3/4"},
    "2015-MS-02": {"evidence": "1.50"},
    "2015-MS-03": {"evidence": "TRUE"},
    "2015-MS-04": {
        "evidence": "Budget line 12 and Decree _x0041_ of 2019.",
        "links": "https://example.org/budget\nhttps://example.org/decree",
    },
}
DELETED = "2013-MS-02"
FILTERS = {".xlsx": "Calc MS Excel 2007 XML", ".ods": "calc8"}


def _property(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


@contextlib.contextmanager
def calc():
    """A headless LibreOffice with a throwaway profile: its desktop, and a dispatcher
    that sends commands as its menus and keyboard do."""
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    pipe = f"r2p-workbooks-{os.getpid()}"
    office = subprocess.Popen(
        [
            shutil.which("soffice") or "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"-env:UserInstallation={Path(profile).as_uri()}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        start_new_session=True,  # so that it ends with the soffice.bin it starts
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    try:
        for _attempt in range(200):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # not listening yet
                time.sleep(0.2)
        else:
            raise RuntimeError("LibreOffice did not start")
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        dispatcher = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", context
        )
        yield desktop, dispatcher
        with contextlib.suppress(Exception):  # it closes the bridge as it goes
            desktop.terminate()
        office.wait(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(office.pid, signal.SIGKILL)
        shutil.rmtree(profile, ignore_errors=True)


def open_document(desktop, path: Path):
    return desktop.loadComponentFromURL(
        path.resolve().as_uri(), "_blank", 0, (_property("Hidden", True),)
    )


def save(document, folder: Path, name: str) -> None:
    for suffix, filter_name in FILTERS.items():
        target = (folder / f"{name}{suffix}").resolve()
        document.storeToURL(target.as_uri(), (_property("FilterName", filter_name),))


def columns(sheet) -> dict[str, int]:
    """The column of each key of the hidden first row."""
    keys = {}
    for column in range(30):
        key = sheet.getCellByPosition(column, 0).getString()
        if key:
            keys[key] = column
    return keys


def rows(sheet, code_column: int) -> dict[str, int]:
    """The row of each code, from the third row on."""
    found, row = {}, 2
    while code := sheet.getCellByPosition(code_column, row).getString():
        found[code] = row
        row += 1
    return found


def type_into(document, dispatcher, sheet, column: int, row: int, text: str) -> None:
    """Type `text` into a cell, as with the keyboard (a line break as Ctrl+Enter)."""
    frame = document.getCurrentController().getFrame()
    name = sheet.getCellByPosition(column, row).AbsoluteName
    dispatcher.executeDispatch(frame, ".uno:GoToCell", "", 0, (_property("ToPoint", name),))
    dispatcher.executeDispatch(frame, ".uno:EnterString", "", 0, (_property("StringName", text),))


def edit(document, dispatcher) -> None:
    sheet = document.Sheets.getByName("Answers")
    sheet.unprotect("")
    keys = columns(sheet)
    sheet.Columns.insertByIndex(keys["evidence"], 1)
    type_into(document, dispatcher, sheet, keys["evidence"], 1, "Notes")
    keys = columns(sheet)
    for code, values in TYPED.items():
        row = rows(sheet, keys["code"])[code]
        for key, text in values.items():
            type_into(document, dispatcher, sheet, keys[key], row, text)
    answers = sheet.getCellRangeByPosition(
        0, 2, max(keys.values()), max(rows(sheet, keys["code"]).values())
    )
    by_code = TableSortField()
    by_code.Field, by_code.IsAscending = keys["code"], False
    descriptor = answers.createSortDescriptor()
    for item in descriptor:
        if item.Name == "SortFields":
            item.Value = uno.Any("[]com.sun.star.table.TableSortField", (by_code,))
        elif item.Name == "ContainsHeader":
            item.Value = False
    answers.sort(descriptor)
    # Last, as a delegation would tidy up: LibreOffice then writes the empty row
    # 1,048,576 that slid in at the bottom, and declares the sheet that tall.
    sheet.Rows.removeByIndex(rows(sheet, keys["code"])[DELETED], 1)


def main(downloaded: Path, folder: Path) -> None:
    with calc() as (desktop, dispatcher):
        document = open_document(desktop, downloaded)
        save(document, folder, "unchanged")
        document.close(True)
        document = open_document(desktop, downloaded)
        edit(document, dispatcher)
        save(document, folder, "edited")
        document.close(True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
