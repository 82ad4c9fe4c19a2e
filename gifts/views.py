"""Storefront pages for the catalog."""

from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def home(request):
    """The home page: what LaGiftArt is and how sending a gift across cultures works."""
    return render(request, "gifts/home.html")
