from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from scheduling.api.urls import oauth_urlpatterns, v1_urlpatterns
from scheduling.pages.home import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("oauth/", include(oauth_urlpatterns)),
    path("v1/", include(v1_urlpatterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

# API paths get JSON in their API's error shape; every other path Django's pages.
handler400 = "scheduling.api.error_pages.bad_request"
handler403 = "scheduling.api.error_pages.permission_denied"
handler404 = "scheduling.api.error_pages.page_not_found"
handler500 = "scheduling.api.error_pages.server_error"
