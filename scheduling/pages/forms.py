"""One way for pages to show a service's domain error on a form.

Services raise scheduling.errors naming their own fields; a page validates with a Django form,
calls the service, and on a domain error shows it with form_add_errors, so every page words
service errors the same way (and keeps the service's codes on the ValidationErrors).
"""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError

from scheduling.errors import DomainError, Forbidden, MembersRejected, NotFound, ValidationFailed


def form_errors(
    exc: DomainError, fields: Mapping[str, str] | None = None
) -> list[tuple[str | None, ValidationError]]:
    """The error as (field, ValidationError) pairs, in the order the service gave them.

    `fields` renames a service's field to the form's; None is the form as a whole (not found,
    forbidden). A member request's problem is named by its attribute (sub, calendar_ids, ...).
    """
    fields = fields or {}
    items: list[tuple[str | None, str, str]]
    if isinstance(exc, ValidationFailed):
        items = [(name, code, text) for name, pairs in exc.errors.items() for code, text in pairs]
    elif isinstance(exc, MembersRejected):
        items = [(p.attribute, p.code, p.description) for p in exc.problems]
    elif isinstance(exc, NotFound):
        items = [(None, "not_found", exc.description)]
    elif isinstance(exc, Forbidden):
        items = [(None, exc.code, exc.description)]
    else:
        items = [(None, "invalid", str(exc))]
    return [
        (fields.get(name, name) if name is not None else None, ValidationError(text, code=code))
        for name, code, text in items
    ]


def form_add_errors(
    form: forms.Form, exc: DomainError, fields: Mapping[str, str] | None = None
) -> None:
    """Show the error on the form: on the field it names when the form has one, else form-wide."""
    for name, error in form_errors(exc, fields):
        form.add_error(name if name in form.fields else None, error)
