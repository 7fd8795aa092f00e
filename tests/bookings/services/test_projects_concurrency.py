"""Projects written at once (PostgreSQL, real concurrent writers): slugs stay unique, and
resource lists keep distinct positions and each resource once."""

from bookings.models import Project, ProjectResource
from bookings.services.projects import project_create, project_resources_add
from scheduling.errors import ValidationFailed
from scheduling.models import Account
from tests.concurrency import needs_concurrent_writers, race
from tests.factories import make_account

pytestmark = needs_concurrent_writers


def outcome(run) -> str:
    try:
        return run().slug
    except ValidationFailed as exc:
        return next(iter(exc.errors))


def test_same_named_projects_at_once_get_distinct_slugs(app_creds):
    slugs = race(8, lambda n: project_create(application=app_creds.application, name="Yoga").slug)
    assert len(set(slugs)) == 8
    assert "yoga" in slugs
    assert Project.objects.count() == 8


def test_one_slug_asked_for_at_once_goes_to_one_project(app_creds):
    outcomes = race(
        6,
        lambda n: outcome(
            lambda: project_create(application=app_creds.application, name=f"P{n}", slug="yoga")
        ),
    )
    assert sorted(outcomes) == ["slug"] * 5 + ["yoga"]


def test_resources_added_at_once_get_distinct_positions(app_creds):
    rooms = [make_account(app_creds.application, kind=Account.Kind.RESOURCE) for _ in range(6)]
    project = project_create(application=app_creds.application, name="Yoga")
    race(6, lambda n: project_resources_add(project=project, resource_ids=[rooms[n].sub]))
    positions = list(ProjectResource.objects.values_list("position", flat=True))
    assert sorted(positions) == list(range(6))


def test_one_resource_added_at_once_is_in_the_project_once(app_creds):
    room = make_account(app_creds.application, kind=Account.Kind.RESOURCE)
    project = project_create(application=app_creds.application, name="Yoga")

    def add(n: int) -> str:
        try:
            project_resources_add(project=project, resource_ids=[room.sub])
        except ValidationFailed:
            return "refused"
        return "added"

    assert sorted(race(5, add)) == ["added"] + ["refused"] * 4
    assert ProjectResource.objects.count() == 1
