from django.urls import path

from gifts import views

app_name = "gifts"

urlpatterns = [
    path("", views.home, name="home"),
    path("gifts/", views.gift_list, name="gift_list"),
    path("gifts/<slug:slug>/", views.gift_detail, name="gift_detail"),
    path("artists/", views.artist_list, name="artist_list"),
    path("artists/<slug:slug>/", views.artist_detail, name="artist_detail"),
    path("markets/", views.market_list, name="market_list"),
    path("markets/<slug:slug>/", views.market_detail, name="market_detail"),
]
