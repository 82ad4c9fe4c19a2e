"""The "Become an artist" pages: the application form and the page after sending it."""

from django.shortcuts import redirect, render
from django.utils import translation

from analytics.events import EventName, record_event
from artists.forms import ArtistApplicationForm
from artists.services import submit_application


def apply(request):
    form = ArtistApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submit_application(
            name=data["name"],
            email=data["email"],
            language=translation.get_language(),
            home_locale=data["home_locale"],
            craft=data["craft"],
            statement=data["statement"],
            portfolio=data["portfolio"],
        )
        record_event(request, EventName.ARTIST_APPLIED, origin_locale=data["home_locale"])
        return redirect("artists:apply_sent")
    return render(request, "artists/apply.html", {"form": form}, status=400 if form.errors else 200)


def apply_sent(request):
    return render(request, "artists/apply_sent.html")
