from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [
    path("metrics", views.metrics_view, name="metrics"),
    path("beacon", views.beacon, name="beacon"),
]
