from django.urls import path

from gifts import giving_views, views

app_name = "gifts"

urlpatterns = [
    path("", views.home, name="home"),
    path("gifts/", views.gift_list, name="gift_list"),
    path("gifts/<slug:slug>/", views.gift_detail, name="gift_detail"),
    path("artists/", views.artist_list, name="artist_list"),
    path("artists/<slug:slug>/", views.artist_detail, name="artist_detail"),
    path("markets/", views.market_list, name="market_list"),
    path("markets/<slug:slug>/", views.market_detail, name="market_detail"),
    path("cart/", giving_views.cart_detail, name="cart"),
    path("cart/add/<slug:slug>/", giving_views.cart_add, name="cart_add"),
    path("cart/lines/<int:pk>/", giving_views.cart_line_update, name="cart_line_update"),
    path("cart/lines/<int:pk>/remove/", giving_views.cart_line_remove, name="cart_line_remove"),
    path("checkout/", giving_views.checkout_page, name="checkout"),
    path("checkout/orders/<int:pk>/authenticate/", giving_views.checkout_authenticate, name="checkout_authenticate"),
    path("checkout/orders/<int:pk>/test-bank/", giving_views.test_bank, name="test_bank"),
    path("account/orders/", giving_views.order_list, name="order_list"),
    path("account/orders/<int:pk>/", giving_views.order_detail, name="order_detail"),
    path("account/orders/<int:pk>/placed/", giving_views.order_placed, name="order_placed"),
    path("account/orders/<int:pk>/cancel/", giving_views.order_cancel, name="order_cancel"),
    path("g/<str:token>/", giving_views.recipient_page, name="recipient_page"),
]
