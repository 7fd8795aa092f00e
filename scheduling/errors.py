"""The one domain error type family. Services raise these; each API dialect's handler translates."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scheduling.engine.model import MemberRequest


class DomainError(Exception):
    """Base of every error a service raises on purpose."""


class ValidationFailed(DomainError):
    """Bad input. Carries {field: [(code, description), ...]}; becomes a 422 on /v1."""

    def __init__(self, errors: Mapping[str, Iterable[tuple[str, str]]]) -> None:
        self.errors = {field: list(items) for field, items in errors.items()}
        super().__init__(self.errors)

    @classmethod
    def one(cls, field: str, code: str, description: str) -> "ValidationFailed":
        return cls({field: [(code, description)]})


@dataclass(frozen=True, slots=True)
class MemberProblem:
    """What is wrong with one member request: which of its attributes, a code and a description."""

    member: MemberRequest  # the very object the caller put in its query
    attribute: str  # "sub", "calendar_ids" or "availability_rule_ids"
    code: str
    description: str


class MembersRejected(DomainError):
    """Members of an availability query that cannot be used: an unknown or foreign sub, a calendar
    or rule the account does not have. Each problem names the member request object, never a field
    path, so every caller maps it onto its own input: the API to JSON paths, a page to form fields.
    """

    def __init__(self, problems: Iterable[MemberProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.problems)


class NotFound(DomainError):
    """Missing or not visible to the caller: the two are never told apart."""

    def __init__(self, description: str = "Not found") -> None:
        self.description = description
        super().__init__(description)


class Forbidden(DomainError):
    """The caller is known but may not do this (for example: missing scope)."""

    def __init__(self, description: str = "Forbidden", code: str = "forbidden") -> None:
        self.description = description
        self.code = code
        super().__init__(description)
