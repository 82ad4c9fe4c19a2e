"""send_email: one templated email, in the recipient's language, sent by the task worker.

Tests use the immediate backend (the test settings) unless they switch TASKS to the database backend, where the
real `db_worker` command picks the email up.
"""

import io
import logging
import signal

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.tasks import send_email

WELCOME = "accounts/email/welcome"


def html_body(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def in_language(language: str, message: str, **values: str) -> str:
    """The catalog's wording of `message` in `language`: the tests pin the language, translators own the words."""
    with translation.override(language):
        return translation.gettext(message) % values


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_welcome_email_reaches_the_recipient_in_their_language(language):
    subject = in_language(language, "Welcome to %(site_name)s", site_name="LaGiftArt")
    greeting = in_language(language, "Hello %(full_name)s,", full_name="Amélie Dupont")
    link_text = in_language(language, "Browse gifts")
    if language != "en":
        assert subject != "Welcome to LaGiftArt", f"the welcome subject has no {language} translation"

    result = send_email.enqueue(
        to="amelie@example.com", template=WELCOME, context={"full_name": "Amélie Dupont"}, language=language
    )

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    [message] = mail.outbox
    assert message.to == ["amelie@example.com"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == subject
    assert message.extra_headers["Content-Language"] == language
    storefront = f"{settings.SITE_URL}/{language}/"
    assert message.body.startswith(greeting)
    assert f"{link_text}: {storefront}\n" in message.body
    html = html_body(message)
    assert f'<html lang="{language}">' in html
    assert f'<a href="{storefront}">{link_text}</a>' in html


def test_welcome_email_without_a_name_greets_plainly():
    send_email.enqueue(to="kenji@example.com", template=WELCOME, context={}, language="ja")

    [message] = mail.outbox
    plain_greeting = in_language("ja", "Hello,")
    assert plain_greeting != "Hello,"
    assert message.body.startswith(f"{plain_greeting}\n")


def test_language_we_do_not_offer_falls_back_to_english():
    send_email.enqueue(to="ana@example.com", template=WELCOME, context={"full_name": "Ana"}, language="sw")

    [message] = mail.outbox
    assert message.subject == "Welcome to LaGiftArt"
    assert f"{settings.SITE_URL}/en/" in message.body


def test_regional_spelling_of_a_language_code_is_understood():
    send_email.enqueue(to="joao@example.com", template=WELCOME, context={"full_name": "João"}, language="pt-BR")

    [message] = mail.outbox
    assert message.subject == in_language("pt-br", "Welcome to %(site_name)s", site_name="LaGiftArt")
    assert message.extra_headers["Content-Language"] == "pt-br"


def test_names_are_plain_text_in_the_text_body_and_escaped_in_the_html_body():
    send_email.enqueue(to="bo@example.com", template=WELCOME, context={"full_name": "Ann & <Bo>"}, language="en")

    [message] = mail.outbox
    assert message.body.startswith("Hello Ann & <Bo>,")
    assert "Hello Ann &amp; &lt;Bo&gt;," in html_body(message)


def test_sending_in_another_language_leaves_the_callers_language_alone():
    with translation.override("de"):
        send_email.enqueue(to="amelie@example.com", template=WELCOME, context={}, language="fr")
        assert translation.get_language() == "de"

    assert mail.outbox[0].subject == in_language("fr", "Welcome to %(site_name)s", site_name="LaGiftArt")


def test_a_message_without_an_html_template_is_sent_as_text_only(tmp_path, settings):
    templates = tmp_path / "accounts" / "email"
    templates.mkdir(parents=True)
    (templates / "receipt_subject.txt").write_text("Your receipt\n")
    (templates / "receipt_message.txt").write_text("Thank you for your order.\n")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]

    send_email.enqueue(to="ana@example.com", template="accounts/email/receipt", context={}, language="en")

    [message] = mail.outbox
    assert message.subject == "Your receipt"
    assert message.body == "Thank you for your order.\n"
    assert message.alternatives == []


@pytest.fixture
def database_tasks(settings):
    """Tasks go to the database queue as in production (django_tasks drops its cached backends on the change)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def run_worker():
    """Run the real `db_worker` until the queue is empty, then put back what it changes in this process."""
    handled = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in handled}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = {logger: logger.level for logger in loggers}

    def run() -> str:
        output = io.StringIO()
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=1, stdout=output)
        return output.getvalue()

    yield run
    for number, handler in handlers.items():
        signal.signal(number, handler)
    for logger, level in levels.items():
        logger.setLevel(level)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_queue_holds_the_email_until_the_worker_sends_it(database_tasks, run_worker):
    result = send_email.enqueue(to="lena@example.com", template=WELCOME, context={"full_name": "Lena"}, language="de")

    queued = DBTaskResult.objects.get(id=result.id)
    assert queued.status == TaskResultStatus.READY
    assert queued.task_path == "accounts.tasks.send_email"
    assert mail.outbox == []

    run_worker()

    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    result.refresh()
    assert result.return_value == 1
    [message] = mail.outbox
    assert message.to == ["lena@example.com"]
    assert message.subject == in_language("de", "Welcome to %(site_name)s", site_name="LaGiftArt")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_records_a_failed_email_and_still_sends_the_next_one(database_tasks, run_worker):
    broken = send_email.enqueue(
        to="ana@example.com", template="accounts/email/no-such-message", context={}, language="en"
    )
    welcome = send_email.enqueue(to="ana@example.com", template=WELCOME, context={}, language="es")

    run_worker()

    broken.refresh()
    welcome.refresh()
    assert broken.status == TaskResultStatus.FAILED
    assert broken.errors[0].exception_class_path == "django.template.exceptions.TemplateDoesNotExist"
    assert welcome.status == TaskResultStatus.SUCCESSFUL
    assert [message.subject for message in mail.outbox] == [
        in_language("es", "Welcome to %(site_name)s", site_name="LaGiftArt")
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_email_enqueued_in_a_rolled_back_transaction_is_never_sent(database_tasks, run_worker):
    """The queue lives in the same database: a signup that fails takes its welcome email with it."""

    class SignupFailed(Exception):
        pass

    with pytest.raises(SignupFailed), transaction.atomic():
        send_email.enqueue(to="ghost@example.com", template=WELCOME, context={}, language="en")
        raise SignupFailed

    run_worker()

    assert not DBTaskResult.objects.exists()
    assert mail.outbox == []
