from django.urls import path

from gifts import views

app_name = "gifts"

urlpatterns = [
    path("", views.home, name="home"),
]
