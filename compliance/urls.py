from django.urls import path

from compliance import views

app_name = "compliance"

urlpatterns = [
    path("", views.notice, name="notice"),
    path("consent/", views.consent, name="consent"),
    path("preferences/", views.preferences, name="preferences"),
    path("requests/", views.file_request, name="requests"),
    path("requests/sent/", views.request_sent, name="request_sent"),
    path("requests/confirm/<str:token>/", views.confirm_request, name="confirm_request"),
    path("requests/status/<str:key>/", views.request_status, name="request_status"),
    path("requests/status/<str:key>/export/", views.download_export, name="download_export"),
]
