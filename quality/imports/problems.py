"""Why a file is refused: the row, column and value at fault, and a sentence a person can act on."""

from __future__ import annotations


class FileRefused(Exception):
    """The file cannot be imported; nothing of it is written."""

    def __init__(self, message: str, *, row: int, column: str = "", value: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column
        self.value = value

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", column {self.column!r}" if self.column else "")
        shown = f" (value {self.value!r})" if self.value else ""
        return f"{where}{shown}: {self.message}"
