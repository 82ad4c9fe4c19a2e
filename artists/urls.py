from django.urls import path

from artists import views

app_name = "artists"

# Included before the storefront's `artists/<slug>/`: "apply" is a reserved slug (services.RESERVED_ARTIST_SLUGS).
urlpatterns = [
    path("artists/apply/", views.apply, name="apply"),
    path("artists/apply/sent/", views.apply_sent, name="apply_sent"),
]
