"""Background work for people's accounts: emails leave through the task worker, so a slow mail provider never
holds up a page and a failed send is recorded on the task instead of breaking the request that caused it."""

from django_tasks import task

from accounts.emails import build_email


@task()
def send_email(*, to: str, template: str, context: dict, language: str) -> int:
    """Send the templated message `template` to one address in `language`; returns how many emails left (1).

    Arguments are plain JSON (the database backend stores them), so pass ids and strings, never model instances.
    Sending is not idempotent: enqueue it once per business event, from the transaction that records the event,
    so a rolled-back signup or order sends nothing.
    """
    return build_email(to=to, template=template, context=context, language=language).send()
