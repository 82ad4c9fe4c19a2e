"""Emails to people, written in their language from a set of templates: subject, text body and optional HTML body.

A message named `accounts/email/welcome` is the templates `accounts/email/welcome_subject.txt`,
`accounts/email/welcome_message.txt` and, when it exists, `accounts/email/welcome_message.html`.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation


def email_language(language: str) -> str:
    """The launch language for `language` (`pt-BR`, `pt_BR` → `pt-br`); English when we do not offer it."""
    try:
        return translation.get_supported_language_variant(translation.to_language(language))
    except LookupError:
        return settings.LANGUAGE_CODE


def build_email(*, to: str, template: str, context: dict, language: str) -> EmailMultiAlternatives:
    """Render the message `template` for one recipient in `language`, links included, ready to send.

    Templates also get `site_name`, `site_url` (emails need absolute links and a worker has no request to take the
    host from) and `language`.
    """
    language = email_language(language)
    context = {**context, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, "language": language}
    try:
        html_template = get_template(f"{template}_message.html")
    except TemplateDoesNotExist:
        html_template = None
    with translation.override(language):
        # A header line break would let the subject inject headers; the template's newlines are layout only.
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}_message.txt", context)
        html = html_template.render(context) if html_template else None
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Content-Language": language},
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message
