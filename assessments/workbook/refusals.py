"""Why an uploaded workbook is refused: the error that names the sheet, row and column,
and the messages that several checks share."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .. import limits


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        where = [_("sheet “%(sheet)s”") % {"sheet": self.sheet}] if self.sheet else []
        if self.row:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column “%(column)s”") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else str(self.message)


class WorkbookRefused(Exception):
    """The upload cannot be used; `errors` says where and why. Nothing was saved."""

    def __init__(self, errors: list[CellError]):
        super().__init__("; ".join(str(error) for error in errors[:3]))
        self.errors = errors


def refuse(message: str, *, sheet: str = "", row: int | None = None) -> WorkbookRefused:
    return WorkbookRefused([CellError(sheet, row, None, str(message))])


def damaged() -> WorkbookRefused:
    return refuse(
        _("The workbook cannot be read: it may be damaged or incomplete. Download it again.")
    )


def how_to_save() -> str:
    """What to do with a file of another format: the menus of the spreadsheets people have."""
    return _(
        "Save it as an Excel workbook (.xlsx) or an OpenDocument spreadsheet (.ods) and "
        "upload that file: in LibreOffice, File › Save As…, file type “Excel 2007-365 "
        "(.xlsx)” or “ODF Spreadsheet (.ods)”; in Excel, File › Save As, “Excel Workbook "
        "(*.xlsx)”; in Numbers, File › Export To › Excel."
    )


def not_a_workbook(reason: str) -> WorkbookRefused:
    return refuse(
        _("%(reason)s %(how_to_save)s") % {"reason": reason, "how_to_save": how_to_save()}
    )


def too_much_data() -> WorkbookRefused:
    return refuse(_("The workbook unpacks to far more data than an assessment holds."))


def over_limit(count: str) -> WorkbookRefused:
    """The refusal of a workbook past the bound on its "cells", "strings" or "elements",
    naming the bound."""
    if count == "cells":
        message = _(
            "The workbook has more than %(max)s cells, empty ones included; a workbook of "
            "an assessment has far fewer. Delete the rows and columns added beyond the "
            "answers, or download the workbook again and copy your answers into it."
        ) % {"max": limits.WORKBOOK_MAX_CELLS}
    elif count == "strings":
        message = _(
            "The workbook has more than %(max)s different texts; a workbook of an "
            "assessment has far fewer."
        ) % {"max": limits.WORKBOOK_MAX_SHARED_STRINGS}
    else:
        message = _(
            "The workbook holds more than %(max)s XML elements; a workbook of an "
            "assessment has far fewer."
        ) % {"max": limits.WORKBOOK_MAX_XML_ELEMENTS}
    return refuse(message)


def password_protected() -> WorkbookRefused:
    return refuse(
        _(
            "The workbook is protected with a password, which this site cannot open: save "
            "it again without a password."
        )
    )
