"""Background work for data-subject requests: emails to the subject and the export file.

Arguments are ids and template names only, never an email address or a token, so the task table holds no
personal data (except the last message after an erasure, which has nowhere else to take the address from).
"""

from django_tasks import task

from compliance import services
from compliance.emails import build_subject_email
from compliance.models import DataSubjectRequest


@task()
def send_subject_email(*, request_id: int, template: str, to: str = "") -> int:
    """Send the message `template` about request `request_id`; returns how many emails left (0 or 1)."""
    dsr = DataSubjectRequest.objects.filter(pk=request_id).first()
    if dsr is None or not (to or dsr.email):
        return 0
    return build_subject_email(dsr, template, to=to).send()


@task()
def build_export(*, request_id: int) -> str:
    """Write an access request's ZIP and close the request; idempotent, since the queue may retry it."""
    dsr = DataSubjectRequest.objects.filter(pk=request_id).first()
    if dsr is None:
        return ""
    return services.complete_access_request(dsr=dsr).export_file
