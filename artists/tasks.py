"""Background work for artists: emails to applicants leave through the task worker."""

from django_tasks import task

from artists.emails import build_application_email
from artists.models import ArtistApplication


@task()
def send_application_email(*, application_id: int, message: str) -> int:
    """Send the applicant the message `message` about their application; 0 when it was erased meanwhile.

    The address is read when sending, so the task table holds an id, never the address.
    """
    application = ArtistApplication.objects.select_related("artist").filter(pk=application_id).first()
    if application is None:
        return 0
    return build_application_email(application, message).send()
