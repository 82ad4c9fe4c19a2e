"""Emails to a data subject about their request, written in the language they filed it in.

A message named `received` is the templates `compliance/email/received_subject.txt` and
`compliance/email/received_message.txt`. Every message links to the request's status page.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from compliance import links
from compliance.models import DataSubjectRequest


def build_subject_email(dsr: DataSubjectRequest, template: str, *, to: str = "", extra: dict | None = None):
    """The message `template` about `dsr`, to `to` (by default the request's address), ready to send."""
    language = dsr.language or settings.LANGUAGE_CODE
    context = {
        "request": dsr,
        "kind": dsr.get_kind_display,
        "deadline": dsr.deadline,
        "status_url": links.status_url(dsr.reference, language),
        "site_name": settings.SITE_NAME,
        **(extra or {}),
    }
    with translation.override(language):
        # A line break in a header would let the subject inject headers; the template's newlines are layout only.
        subject = " ".join(render_to_string(f"compliance/email/{template}_subject.txt", context).split())
        body = render_to_string(f"compliance/email/{template}_message.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to or dsr.email],
        headers={"Content-Language": language},
    )
