"""Emails to an applicant about their application, written in the language they applied in.

A message named `approved` is the templates `artists/email/approved_subject.txt` and `approved_message.txt`.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from artists.models import ArtistApplication


def build_application_email(application: ArtistApplication, message: str) -> EmailMessage:
    """The message `message` (received, changes_requested, approved, rejected) to the applicant, ready to send."""
    language = application.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "application": application,
            "reason": application.decision_reason,
            "artist_url": settings.SITE_URL + application.artist.get_absolute_url(),
            "apply_url": settings.SITE_URL + reverse("artists:apply"),
            "site_name": settings.SITE_NAME,
        }
        # A line break in a header would let the subject inject headers; the template's newlines are layout only.
        subject = " ".join(render_to_string(f"artists/email/{message}_subject.txt", context).split())
        body = render_to_string(f"artists/email/{message}_message.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[application.email],
        headers={"Content-Language": language},
    )
