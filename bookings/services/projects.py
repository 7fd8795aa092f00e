"""Projects (reference 1.6): an application's booking pages / event types, holding validated
Timekit settings (bookings/v2/projects.py checks their shape) and an ordered list of resources.

Rules here, where the data is:
- A project's resources are RESOURCE accounts of its own application, each at most once, in the
  order given (roundrobin_prioritized prefers the first). A bad id is a 422 naming its index
  (`resources.2`), so a client can tell which one.
- Slugs are unique across the whole platform, as hosted pages are (`/v2/projects/hosted/{slug}`,
  book.timekit.io/{slug}). A slug given and taken is a 422; without one, the name is slugified
  and made unique with a counter (`yoga`, `yoga-2`, ...). The unique index is the last guard:
  two creations racing for one slug end in a 422 (given) or the next free slug (derived; after
  a few lost races, a random suffix).
- Resource-list changes lock the project row first, so concurrent adds never interleave their
  positions.
- Deleting a project keeps its bookings (Booking.project is SET_NULL).
"""

import datetime as dt
import secrets
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from bookings.models import Project, ProjectResource
from bookings.selectors.timekit import resources_of
from scheduling.errors import ValidationFailed
from scheduling.models import Account, Application

SLUG_MAX = 100
SLUG_ATTEMPTS = 5


def project_resources_resolve(
    *, application: Application, resource_ids: Sequence[str], field: str = "resources"
) -> list[Account]:
    """The application's resources for `resource_ids`, in order (one query); ValidationFailed
    naming each bad index: unknown or another application's (never told apart), or repeated."""
    found = {
        account.sub: account
        for account in resources_of(application=application).filter(sub__in=set(resource_ids))
    }
    errors: dict[str, list[tuple[str, str]]] = {}
    seen: set[str] = set()
    for index, resource_id in enumerate(resource_ids):
        if resource_id not in found:
            errors[f"{field}.{index}"] = [("not_found", f"No resource {resource_id!r}.")]
        elif resource_id in seen:
            errors[f"{field}.{index}"] = [("duplicate", f"{resource_id!r} is listed twice.")]
        seen.add(resource_id)
    if errors:
        raise ValidationFailed(errors)
    return [found[resource_id] for resource_id in resource_ids]


def _slug_taken() -> ValidationFailed:
    return ValidationFailed.one("slug", "taken", "This slug is already taken.")


def _derived_slug(name: str, attempt: int = 0) -> str:
    """The first free slug for `name` (another writer may still take it before the insert).
    After SLUG_ATTEMPTS - 1 lost races for it, a random suffix ends the contest."""
    base = slugify(name)[: SLUG_MAX - 8].strip("-") or "project"
    if attempt >= SLUG_ATTEMPTS - 1:
        return f"{base}-{secrets.token_hex(3)}"
    taken = set(Project.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    counter = 2
    while f"{base}-{counter}" in taken:
        counter += 1
    return f"{base}-{counter}"


def _positions_write(project: Project, resources: Sequence[Account], start: int) -> None:
    ProjectResource.objects.bulk_create(
        ProjectResource(project=project, account=account, position=start + offset)
        for offset, account in enumerate(resources)
    )


def project_create(
    *,
    application: Application,
    name: str,
    slug: str | None = None,
    resource_ids: Sequence[str] = (),
    availability: dict | None = None,
    availability_constraints: list | None = None,
    booking: dict | None = None,
    customer_fields: dict | None = None,
    ui: dict | None = None,
    now: dt.datetime | None = None,
) -> Project:
    """Create a project with its resources in order. Raises ValidationFailed (bad resource ids,
    a taken slug); nothing is written then."""
    now = now or timezone.now()
    resources = project_resources_resolve(application=application, resource_ids=resource_ids)
    if slug and Project.objects.filter(slug=slug).exists():
        raise _slug_taken()
    for attempt in range(SLUG_ATTEMPTS):
        project = Project(
            application=application,
            name=name,
            slug=slug or _derived_slug(name, attempt),
            availability=availability or {},
            availability_constraints=availability_constraints or [],
            booking=booking or {},
            customer_fields=customer_fields or {},
            ui=ui or {},
            created_at=now,
            updated_at=now,
        )
        try:
            with transaction.atomic():
                project.save()
                _positions_write(project, resources, 0)
            return project
        except IntegrityError:
            if not Project.objects.filter(slug=project.slug).exists():
                raise  # not the slug's index
            if slug:
                raise _slug_taken() from None
            # A concurrent writer took the derived slug between the look and the insert: the
            # next attempt derives the next free one.
    raise _slug_taken()


def project_update(
    *,
    project: Project,
    name: str | None = None,
    slug: str | None = None,
    resource_ids: Sequence[str] | None = None,
    availability: dict | None = None,
    availability_constraints: list | None = None,
    booking: dict | None = None,
    customer_fields: dict | None = None,
    ui: dict | None = None,
    now: dt.datetime | None = None,
) -> Project:
    """Change what is given (None: unchanged); `resource_ids` replaces the resource list. A
    settings object given replaces the stored one whole (Timekit's PUT of a settings object)."""
    now = now or timezone.now()
    resources = None
    if resource_ids is not None:
        resources = project_resources_resolve(
            application=project.application, resource_ids=resource_ids
        )
    if slug and slug != project.slug and Project.objects.filter(slug=slug).exists():
        raise _slug_taken()
    changes = {
        "name": name,
        "slug": slug,
        "availability": availability,
        "availability_constraints": availability_constraints,
        "booking": booking,
        "customer_fields": customer_fields,
        "ui": ui,
    }
    try:
        with transaction.atomic():
            locked = Project.objects.select_for_update().get(pk=project.pk)
            for field, value in changes.items():
                if value is not None:
                    setattr(locked, field, value)
            locked.updated_at = now
            locked.save()
            if resources is not None:
                _resources_replace(locked, resources)
    except IntegrityError:
        raise _slug_taken() from None
    return locked


def _resources_replace(project: Project, resources: Sequence[Account]) -> None:
    ProjectResource.objects.filter(project=project).delete()
    _positions_write(project, resources, 0)


def _touch(project: Project, now: dt.datetime) -> Project:
    """Lock the project row (resource-list writes go one at a time) and stamp it."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    locked.updated_at = now
    locked.save(update_fields=["updated_at"])
    return locked


def project_resources_add(
    *, project: Project, resource_ids: Sequence[str], now: dt.datetime | None = None
) -> Project:
    """Append resources after the current ones; one already in the project is a 422."""
    now = now or timezone.now()
    resources = project_resources_resolve(
        application=project.application, resource_ids=resource_ids
    )
    with transaction.atomic():
        locked = _touch(project, now)
        current = ProjectResource.objects.filter(project=locked)
        present = set(current.values_list("account_id", flat=True))
        errors = {
            f"resources.{index}": [("duplicate", f"{account.sub!r} is already in the project.")]
            for index, account in enumerate(resources)
            if account.pk in present
        }
        if errors:
            raise ValidationFailed(errors)
        last = current.aggregate(last=Max("position"))["last"]
        _positions_write(locked, resources, 0 if last is None else last + 1)
    return locked


def project_resources_set(
    *, project: Project, resource_ids: Sequence[str], now: dt.datetime | None = None
) -> Project:
    """Replace the project's resources with `resource_ids`, in that order."""
    now = now or timezone.now()
    resources = project_resources_resolve(
        application=project.application, resource_ids=resource_ids
    )
    with transaction.atomic():
        locked = _touch(project, now)
        _resources_replace(locked, resources)
    return locked


def project_resource_remove(
    *, project: Project, resource: Account, now: dt.datetime | None = None
) -> bool:
    """Take `resource` out of the project; False when it was not in it (nothing changed)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _touch(project, now)
        deleted, _ = ProjectResource.objects.filter(project=locked, account=resource).delete()
        if not deleted:
            transaction.set_rollback(True)
    return bool(deleted)


def project_delete(*, project: Project) -> None:
    """Delete the project and its resource list; its bookings stay, without a project."""
    project.delete()
