import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from artists.models import Artist, ArtistStatus
from artists.selectors import public_artist, public_artists
from artists.services import ArtistStatusError, change_artist_status
from artists.tests.factories import ArtistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator():
    return get_user_model().objects.create_user(email="curator@lagiftart.example", password="x" * 12, is_staff=True)


def test_an_artist_goes_from_application_to_approval_with_every_step_recorded(curator):
    artist = ArtistFactory(status=ArtistStatus.APPLIED, approved_at=None)
    change_artist_status(artist=artist, to_status=ArtistStatus.IN_REVIEW, by=curator, reason="Portfolio received")
    change_artist_status(artist=artist, to_status=ArtistStatus.APPROVED, by=curator, reason="Work is original")

    artist.refresh_from_db()
    assert artist.status == ArtistStatus.APPROVED
    assert artist.approved_at is not None
    history = list(artist.status_changes.order_by("changed_at", "id"))
    assert [(step.from_status, step.to_status) for step in history] == [
        (ArtistStatus.APPLIED, ArtistStatus.IN_REVIEW),
        (ArtistStatus.IN_REVIEW, ArtistStatus.APPROVED),
    ]
    assert history[-1].changed_by == curator
    assert history[-1].reason == "Work is original"


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (ArtistStatus.APPLIED, ArtistStatus.APPROVED),
        (ArtistStatus.REJECTED, ArtistStatus.APPROVED),
        (ArtistStatus.APPROVED, ArtistStatus.APPLIED),
        (ArtistStatus.APPROVED, ArtistStatus.APPROVED),
    ],
)
def test_review_steps_cannot_be_skipped(curator, start, target):
    artist = ArtistFactory(status=start)
    with pytest.raises(ArtistStatusError):
        change_artist_status(artist=artist, to_status=target, by=curator, reason="Trying")
    assert not artist.status_changes.exists()
    artist.refresh_from_db()
    assert artist.status == start


def test_a_status_change_needs_a_reason(curator):
    artist = ArtistFactory(status=ArtistStatus.APPROVED)
    with translation.override("en"), pytest.raises(ArtistStatusError, match="why"):
        change_artist_status(artist=artist, to_status=ArtistStatus.SUSPENDED, by=curator, reason="  ")


def test_suspension_hides_the_artist_and_reinstatement_shows_them_again(curator):
    artist = ArtistFactory(slug="rosa", status=ArtistStatus.APPROVED)
    change_artist_status(artist=artist, to_status=ArtistStatus.SUSPENDED, by=curator, reason="Copied designs")
    assert public_artist("rosa") is None
    change_artist_status(artist=artist, to_status=ArtistStatus.APPROVED, by=curator, reason="Cleared")
    assert public_artist("rosa") == artist


def test_only_approved_artists_are_public():
    approved = ArtistFactory(status=ArtistStatus.APPROVED)
    for status in (ArtistStatus.APPLIED, ArtistStatus.IN_REVIEW, ArtistStatus.REJECTED, ArtistStatus.SUSPENDED):
        ArtistFactory(status=status)
    assert list(public_artists()) == [approved]
    assert list(Artist.objects.public()) == [approved]


def test_craft_and_bio_fall_back_to_english():
    artist = ArtistFactory(craft_en="Black clay pottery", craft_es="Barro negro", bio_en="Works in Oaxaca.")
    with translation.override("es"):
        assert artist.craft == "Barro negro"
        assert artist.bio == "Works in Oaxaca."
    with translation.override("ja"):
        assert artist.craft == "Black clay pottery"


def test_the_back_office_changes_status_only_with_a_reason(admin_client):
    artist = ArtistFactory(status=ArtistStatus.IN_REVIEW, approved_at=None)
    url = reverse("admin:artists_artist_change", args=[artist.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name not in {"portrait"}}
    data["home_locale"] = artist.home_locale_id
    data.update({"new_status": ArtistStatus.APPROVED, "status_reason": ""})
    data.update({"status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0"})
    refused = admin_client.post(url, data)
    assert refused.status_code == 200
    assert "status_reason" in refused.context["adminform"].form.errors

    data["status_reason"] = "Portfolio checked"
    accepted = admin_client.post(url, data)
    assert accepted.status_code == 302
    artist.refresh_from_db()
    assert artist.status == ArtistStatus.APPROVED
    assert artist.status_changes.get().reason == "Portfolio checked"
