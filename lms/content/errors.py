"""How a content problem is reported: the file, the line and what is wrong."""
from dataclasses import dataclass


class ContentProblem(Exception):
    """Something wrong in one file; `line` is 1-based within that file (0 when it concerns the whole file)."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class ContentError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"
