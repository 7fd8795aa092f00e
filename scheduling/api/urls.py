from django.urls import include, path

from scheduling.api import (
    accounts,
    availability,
    calendars,
    events,
    managed_availability,
    oauth,
)

oauth_urlpatterns = [path("", include(oauth.urlpatterns))]

v1_urlpatterns = [
    path("", include(accounts.urlpatterns)),
    path("", include(calendars.urlpatterns)),
    path("", include(events.urlpatterns)),
    path("", include(managed_availability.urlpatterns)),
    path("", include(availability.urlpatterns)),
]
