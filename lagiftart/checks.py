"""Deploy checks: what `manage.py check --deploy` adds for LaGiftArt (make check-deploy, lagiftart/tests).

Production does not refuse to start without mail, unlike without SECRET_KEY: the migrate and retention jobs and the
image build run the production settings and never send mail, and they should not hold the SMTP password to start.
The mail settings are checked here instead, where an operator checks a deploy.
"""

from django.conf import settings
from django.core import checks

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Backends that print, file, keep in memory or drop messages: fine on a laptop, a leak or a loss in production
# (the console would write password-reset and confirmation links into Cloud Logging).
UNDELIVERED = {
    "django.core.mail.backends.console.EmailBackend": "prints each message, one-time links included, to the logs",
    "django.core.mail.backends.filebased.EmailBackend": "writes each message to the container's disk",
    "django.core.mail.backends.locmem.EmailBackend": "keeps each message in memory",
    "django.core.mail.backends.dummy.EmailBackend": "drops each message",
}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", ""}
HINT = "Set EMAIL_URL, e.g. smtp+tls://USER:PASSWORD@smtp.example.com:587 (docs/configuration.md, Mail)."


@checks.register("email", deploy=True)
def check_mail_is_delivered(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Sign-up confirmations, password resets and data-subject request links must reach people's inboxes."""
    backend = settings.EMAIL_BACKEND
    if backend in UNDELIVERED:
        return [
            checks.Error(
                f"EMAIL_BACKEND is {backend}, which {UNDELIVERED[backend]}: no email reaches anyone.",
                hint=HINT,
                id="lagiftart.E001",
            )
        ]
    if backend == SMTP_BACKEND and settings.EMAIL_HOST in LOCAL_HOSTS:
        return [
            checks.Error(
                "Mail goes to an SMTP server on localhost, and Cloud Run runs none: every message would fail.",
                hint=HINT,
                id="lagiftart.E002",
            )
        ]
    return []
