from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.static import serve

from maillage.api.api import api
from maillage.core import views as core_views
from maillage.profiles.sitemaps import SITEMAPS

urlpatterns = [
    path("", core_views.landing, name="landing"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("outbox/", core_views.outbox, name="outbox"),
    path("outbox/<str:name>/", core_views.outbox_message, name="outbox_message"),
    path("", include("maillage.accounts.urls")),
    path("", include("maillage.profiles.urls")),
    path("", include("maillage.network.urls")),
    path("", include("maillage.search.urls")),
    path("", include("maillage.feed.urls")),
    path("", include("maillage.notifications.urls")),
    path("", include("maillage.messaging.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

if not settings.PRODUCTION:
    # The embedded default serves uploaded media itself; production puts a web server or object
    # storage in front of MEDIA_ROOT.
    urlpatterns += [
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler403 = "maillage.core.views.permission_denied"
handler404 = "maillage.core.views.page_not_found"
handler500 = "maillage.core.views.server_error"
