"""Becoming an artist: the public application, the curators' queue and decisions, the emails, the public page."""

import io
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.tests.backoffice import sign_in_with_mfa
from accounts.tests.factories import UserFactory
from artists import forms as artist_forms
from artists.models import ApplicationStatus, Artist, ArtistApplication, ArtistStatus
from artists.personal_data import erase_applications, export_applications
from artists.services import ApplicationDecision, ApplicationError, decide_application, unique_artist_slug
from artists.tests.factories import ArtistFactory
from compliance.registry import Subject
from locales.tests.factories import LocaleFactory

pytestmark = pytest.mark.django_db


def picture(name="bowl.png", image_format="PNG", size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#a0522d").save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


@pytest.fixture
def oaxaca():
    return LocaleFactory(slug="oaxaca")


def application_data(locale, **changes):
    data = {
        "name": "Rosa López",
        "email": "rosa@example.com",
        "home_locale": locale.pk,
        "craft": "Barro negro",
        "statement": "Trabajo el barro negro de San Bartolo Coyotepec.",
        "portfolio": [picture("olla.png"), picture("jarra.jpg", "JPEG")],
        "accept_terms": "on",
    }
    data.update(changes)
    return data


@pytest.fixture
def curator_client(client):
    curator = UserFactory(email="curator@lagiftart.example", is_staff=True)
    curator.groups.add(Group.objects.get(name="Curator"))
    sign_in_with_mfa(client, curator)
    client.user = curator
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a view leaves for after the commit (the emails), as production does when its transaction ends."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def apply(client, locale, language="es", **changes):
    return client.post(f"/{language}/artists/apply/", application_data(locale, **changes))


def test_an_applicant_is_reviewed_approved_and_gets_a_public_page(curator_client, oaxaca, mailoutbox, committed):
    from django.test import Client

    visitor = Client()
    form_page = visitor.get("/es/artists/apply/")
    assert form_page.status_code == 200
    assert 'enctype="multipart/form-data"' in form_page.content.decode()

    sent = committed(apply, visitor, oaxaca)
    assert sent["Location"] == "/es/artists/apply/sent/"
    application = ArtistApplication.objects.get()
    assert application.language == "es"
    assert application.images.count() == 2
    assert application.artist.status == ArtistStatus.APPLIED
    assert visitor.get(f"/en/artists/{application.artist.slug}/").status_code == 404, "hidden before approval"
    assert [message.to for message in mailoutbox] == [["rosa@example.com"]]
    assert mailoutbox[0].extra_headers["Content-Language"] == "es"
    assert str(application.reference) in mailoutbox[0].body

    queue = curator_client.get(reverse("admin:artists_artistapplication_changelist") + "?status__exact=submitted")
    assert "Rosa López" in queue.content.decode()
    review = curator_client.get(reverse("admin:artists_artistapplication_change", args=[application.pk]))
    assert review.content.decode().count('class="portfolio-image"') == 2
    decide_url = reverse("admin:artists_application_decide", args=["approve"]) + f"?ids={application.pk}"
    assert decide_url.replace("&", "&amp;") in review.content.decode()

    assert curator_client.post(decide_url, {"reason": ""}).status_code == 200, "a reason is required"
    approved = committed(curator_client.post, decide_url, {"reason": "¡Bienvenida! Tu obra es original."})
    assert approved.status_code == 302
    assert LogEntry.objects.get(object_id=str(application.pk)).user == curator_client.user

    application.refresh_from_db()
    artist = application.artist
    assert application.status == ApplicationStatus.APPROVED
    assert application.decided_by == curator_client.user
    assert artist.status == ArtistStatus.APPROVED
    history = list(artist.status_changes.order_by("changed_at", "id").values_list("to_status", "changed_by", "reason"))
    assert history[-1] == (ArtistStatus.APPROVED, curator_client.user.pk, "¡Bienvenida! Tu obra es original.")
    assert [step[0] for step in history] == [ArtistStatus.APPLIED, ArtistStatus.IN_REVIEW, ArtistStatus.APPROVED]

    assert len(mailoutbox) == 2
    welcome = mailoutbox[1]
    assert welcome.extra_headers["Content-Language"] == "es"
    assert "¡Bienvenida! Tu obra es original." in welcome.body
    assert f"/es/artists/{artist.slug}/" in welcome.body
    public = visitor.get(f"/en/artists/{artist.slug}/")
    assert public.status_code == 200
    assert "Rosa López" in public.content.decode()


@pytest.mark.parametrize(
    ("decision", "status", "artist_status"),
    [
        (ApplicationDecision.REJECT, ApplicationStatus.REJECTED, ArtistStatus.REJECTED),
        (ApplicationDecision.REQUEST_CHANGES, ApplicationStatus.CHANGES_REQUESTED, ArtistStatus.IN_REVIEW),
    ],
)
def test_rejecting_or_asking_for_changes_tells_the_applicant_why(
    client, curator_client, oaxaca, mailoutbox, committed, decision, status, artist_status
):
    apply(client, oaxaca, language="fr")
    application = ArtistApplication.objects.get()
    url = reverse("admin:artists_application_decide", args=[decision.value]) + f"?ids={application.pk}"
    committed(curator_client.post, url, {"reason": "Les photos sont floues."})
    application.refresh_from_db()
    assert application.status == status
    assert application.artist.status == artist_status
    assert application.artist.status_changes.filter(reason__contains="floues", changed_by=curator_client.user).exists()
    assert mailoutbox[-1].extra_headers["Content-Language"] == "fr"
    assert "Les photos sont floues." in mailoutbox[-1].body


def test_a_decision_already_taken_cannot_be_taken_again(client, oaxaca):
    apply(client, oaxaca)
    application = ArtistApplication.objects.get()
    decide_application(application=application, decision=ApplicationDecision.REJECT, by=None, reason="No")
    with pytest.raises(ApplicationError):
        decide_application(application=application, decision=ApplicationDecision.APPROVE, by=None, reason="Yes")


def test_the_queue_filters_by_how_long_applications_waited(client, curator_client, oaxaca):
    apply(client, oaxaca, name="Old Applicant")
    apply(client, oaxaca, name="New Applicant")
    ArtistApplication.objects.filter(name="Old Applicant").update(submitted_at=timezone.now() - timedelta(days=45))
    url = reverse("admin:artists_artistapplication_changelist")
    older = curator_client.get(url + "?waiting=older").content.decode()
    week = curator_client.get(url + "?waiting=week").content.decode()
    assert "Old Applicant" in older and "New Applicant" not in older
    assert "New Applicant" in week and "Old Applicant" not in week


@pytest.mark.parametrize(
    ("portfolio", "message"),
    [
        (
            [SimpleUploadedFile("cv.png", b"%PDF-1.4 not a picture", content_type="image/png")],
            "cv.png is not a picture",
        ),
        ([picture("anim.gif", "GIF")], "anim.gif is not a JPEG, PNG or WebP picture"),
        ([picture(f"p{n}.png") for n in range(6)], "Send at most 5 pictures."),
        ([], "This field is required."),
    ],
)
def test_the_portfolio_is_checked_picture_by_picture(client, oaxaca, portfolio, message):
    response = apply(client, oaxaca, language="en", portfolio=portfolio)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ArtistApplication.objects.exists()
    assert not Artist.objects.exists()


def test_a_picture_over_the_size_limit_is_refused(client, oaxaca, monkeypatch):
    monkeypatch.setattr(artist_forms, "PORTFOLIO_MAX_BYTES", 100)
    response = apply(client, oaxaca, language="en", portfolio=[picture("big.png", size=(200, 200))])
    assert response.status_code == 400
    assert "big.png is larger than 100" in response.content.decode()


def test_the_terms_must_be_accepted(client, oaxaca):
    data = application_data(oaxaca)
    del data["accept_terms"]
    assert client.post("/en/artists/apply/", data).status_code == 400
    assert not ArtistApplication.objects.exists()


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("en", "Become an artist"),
        ("es", "Hazte artista"),
        ("fr", "Devenir artiste"),
        ("de", "Künstler werden"),
        ("ja", "アーティストになる"),
        ("pt-br", "Seja um artista"),
    ],
)
def test_the_form_speaks_every_launch_language(client, oaxaca, language, heading):
    page = client.get(f"/{language}/artists/apply/")
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.content.decode()


def test_the_confirmation_is_written_in_the_applicants_language(client, oaxaca, mailoutbox, committed):
    committed(apply, client, oaxaca, language="ja")
    assert mailoutbox[0].subject == "LaGiftArtへの申請を受け付けました"
    assert "受付番号" in mailoutbox[0].body


def test_apply_is_never_an_artist_slug():
    ArtistFactory(slug="rosa-lopez")
    assert unique_artist_slug("Rosa López") == "rosa-lopez-2"
    assert unique_artist_slug("Apply") == "apply-2"


def test_an_application_is_exported_and_erased_with_its_portfolio(client, oaxaca, committed):
    apply(client, oaxaca)
    application = ArtistApplication.objects.get()
    stored = application.images.first().image
    subject = Subject(email="ROSA@example.com")
    exported = export_applications(subject)
    assert exported[0]["email"] == "rosa@example.com" and len(exported[0]["portfolio"]) == 2

    summary = committed(erase_applications, subject)
    assert summary == {"deleted": 1, "pseudonymized": 0}
    assert not ArtistApplication.objects.exists() and not Artist.objects.exists()
    assert not stored.storage.exists(stored.name)
