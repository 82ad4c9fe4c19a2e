"""Root URLs: health and machine endpoints unprefixed; every page a person reads under its language (/fr/…)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.static import serve

from gifts import giving_views
from gifts.sitemaps import SITEMAPS
from lagiftart import api, health, views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("analytics.urls")),
    path("floor", views.floor, name="floor"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"),
    path(settings.ADMIN_URL_PREFIX, admin.site.urls),
    path("g/<str:token>/", giving_views.recipient_redirect, name="recipient_redirect"),
    path("payments/stripe/webhook/", giving_views.stripe_webhook, name="stripe_webhook"),
    # django-allauth's headless API for apps (login, sign-up, two-factor, session tokens): docs/api.md.
    path("_allauth/", include("allauth.headless.urls")),
    *api.urlpatterns,
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("privacy/", include("compliance.urls")),
    path("", include("locales.urls")),
    path("", include("artists.urls")),  # before gifts: artists/apply/ is not an artist slug
    path("", include("gifts.urls")),
)

if settings.LOCAL and not settings.GS_MEDIA_BUCKET and settings.MEDIA_URL.startswith("/"):
    # On a developer machine public media lives on disk and nothing else serves it; production uses the bucket.
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

admin.site.site_header = "LaGiftArt back office"
admin.site.site_title = "LaGiftArt back office"
