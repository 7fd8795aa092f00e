from django.contrib import admin
from django.urls import include, path

from bookings.api.urls import v1_urlpatterns as bookings_v1_urlpatterns
from bookings.pages.urls import action_urlpatterns, class_urlpatterns, project_urlpatterns
from bookings.v2.urls import v2_urlpatterns
from calendars_sync.allauth import provider_urlpatterns as sync_provider_urlpatterns
from calendars_sync.api.urls import v1_urlpatterns as sync_v1_urlpatterns
from calendars_sync.setup_api.urls import connect_urlpatterns, setup_v1_urlpatterns
from config.health import health
from scheduling.api.urls import docs_urlpatterns, oauth_urlpatterns, v1_urlpatterns
from scheduling.pages.home import home

urlpatterns = [
    path("", home, name="home"),
    path("health", health, name="health"),
    path("admin/", admin.site.urls),
    # Before allauth's: its Google and Microsoft login views, at the endpoints our settings name.
    path("accounts/", include(sync_provider_urlpatterns)),
    path("accounts/", include("allauth.urls")),
    path("oauth/", include(oauth_urlpatterns)),
    path("v1/", include(v1_urlpatterns)),
    path("v1/", include(bookings_v1_urlpatterns)),
    path("v1/", include(sync_v1_urlpatterns)),
    path("v2/", include(v2_urlpatterns)),
    path("rts/", include("bookings.pages.urls")),
    path("classes/", include(class_urlpatterns)),
    path("bookings/", include(action_urlpatterns)),
    path("book/", include(project_urlpatterns)),
    path("api/", include(docs_urlpatterns)),
    path("setup/v1/", include(setup_v1_urlpatterns)),
    path("connect/", include(connect_urlpatterns)),
    path("sync/", include("calendars_sync.urls")),
]

# API paths get JSON in their API's error shape; every other path Django's pages.
handler400 = "scheduling.api.error_pages.bad_request"
handler403 = "scheduling.api.error_pages.permission_denied"
handler404 = "scheduling.api.error_pages.page_not_found"
handler500 = "scheduling.api.error_pages.server_error"
