from django.urls import path

from locales import views

app_name = "locales"

urlpatterns = [
    path("currency/", views.set_currency, name="set_currency"),
]
