"""The one error type of the catalog: a bad data file or price book."""

from __future__ import annotations


class CatalogError(Exception):
    """A data file or price book is malformed or inconsistent.

    Rendered as ``file:line: where: message`` with the parts that are known, so
    the engine can print it as one line and exit 2.
    """

    def __init__(self, file: str | None, message: str, *, where: str | None = None,
                 line: int | None = None) -> None:
        self.file = file
        self.message = message
        self.where = where
        self.line = line
        super().__init__(self.render())

    def render(self) -> str:
        head = ""
        if self.file:
            head = str(self.file) + (f":{self.line}" if self.line is not None else "") + ": "
        if self.where:
            head += f"{self.where}: "
        return head + self.message
