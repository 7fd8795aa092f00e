from django.contrib import admin
from django.urls import include, path

from config.health import health
from scheduling.api.urls import docs_urlpatterns, oauth_urlpatterns, v1_urlpatterns
from scheduling.pages.home import home

urlpatterns = [
    path("", home, name="home"),
    path("health", health, name="health"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("oauth/", include(oauth_urlpatterns)),
    path("v1/", include(v1_urlpatterns)),
    path("api/", include(docs_urlpatterns)),
]
