"""How a data problem is reported: one clear line naming the file, the row, the column and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or row, or file) of a data file.

    ``row`` is the spreadsheet row a planner sees when opening the file (the header is row 1); for
    GeoJSON it is the feature's 1-based position; None means the whole file.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    # For a message the dashboard translates: the i18n key "problem.<code>" and its values.
    code: str = field(default="", compare=False)
    params: tuple[tuple[str, object], ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"

    def where(self, row: str = "row", column: str = "column") -> str:
        """The file, row and column, with the words for row and column in the reader's language."""
        where = self.file
        if self.row is not None:
            where += f", {row} {self.row}"
        if self.column:
            where += f", {column} '{self.column}'"
        return where

    def as_dict(self) -> dict[str, object]:
        """file, row, column and message, plus the code when the message has one."""
        fields = {"file": self.file, "row": self.row, "column": self.column, "message": self.message}
        return {**fields, "code": self.code} if self.code else fields


class AtlasDataError(Exception):
    """Raised when data files fail validation; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """The problems as a message a planner can act on, one per line."""
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the atlas data:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])
