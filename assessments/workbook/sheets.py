"""A workbook's sheets as the import reads them, whatever the file's format."""

from dataclasses import dataclass

# The values of one row: {column number (1 for A): value}, empty cells left out.
RowValues = dict[int, object]


@dataclass(frozen=True)
class Sheet:
    """A sheet's title and its rows that hold a value, in order, as (row number, values).

    Empty rows and cells are left out whatever the file declares: a spreadsheet may write
    an empty row 1,048,576 and a size to match, or repeat an empty cell 16,000 times.
    """

    title: str
    rows: list[tuple[int, RowValues]]

    def first_row(self) -> RowValues:
        """The values of row 1 (none if it is empty)."""
        return self.rows[0][1] if self.rows and self.rows[0][0] == 1 else {}


class ShownNumber(float):
    """A number with the text the spreadsheet showed for it ("1.50" for 1.5), which is
    what a person typed and read."""

    def __new__(cls, value: float, shown: str):
        number = super().__new__(cls, value)
        number.shown = shown
        return number
