"""Root URLs: health and machine endpoints unprefixed; every page a person reads under its language (/fr/…)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from lagiftart import health, views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("floor", views.floor, name="floor"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(settings.ADMIN_URL_PREFIX, admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("privacy/", include("compliance.urls")),
    path("", include("gifts.urls")),
)

admin.site.site_header = "LaGiftArt back office"
admin.site.site_title = "LaGiftArt back office"
