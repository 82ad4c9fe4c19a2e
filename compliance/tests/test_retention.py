"""`manage.py enforce_retention`: a dry run changes nothing, a run removes exactly what has expired, a second run
finds nothing left, and overdue requests raise the one log line the alert counts."""

import io
import logging
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone, translation
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from analytics.models import ActivityEvent
from compliance.models import DataSubjectRequest, RequestEvent, RequestKind, RequestStatus
from compliance.regimes import GDPR
from compliance.services import private_storage
from gifts.checkout import place_order
from gifts.models import Cart, CartLine, Order
from gifts.payments import TEST_CARD_PAID
from gifts.tests.giving import build_giving_world, cart_with, lyon_recipient, to_lyon
from locales.selectors import rate_table

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


def _order(world, gift, key, *, years_ago):
    with translation.override("en"):
        order = place_order(
            cart=cart_with(world.giver, (gift, 1)),
            giver=world.giver,
            recipient=lyon_recipient(phone="+33472000000"),
            destination=to_lyon(world),
            currency="USD",
            rates=rate_table(),
            message="Pour Claire",
            reveal_giver=True,
            giver_name="Sam Rivera",
            payment_token=TEST_CARD_PAID,
            idempotency_key=key,
        )
    Cart.objects.filter(user=world.giver).delete()
    Order.objects.filter(pk=order.pk).update(placed_at=NOW - timedelta(days=365 * years_ago + 3))
    return order


def _request(*, status, days_ago, **fields):
    return DataSubjectRequest.objects.create(
        kind=RequestKind.ACCESS,
        status=status,
        email="ana@example.com",
        language="en",
        regime=GDPR.code,
        received_at=NOW - timedelta(days=days_ago),
        due_on=(NOW - timedelta(days=days_ago)).date() + timedelta(days=30),
        **fields,
    )


def _task(*, status, finished_days_ago):
    finished = None if finished_days_ago is None else NOW - timedelta(days=finished_days_ago)
    return DBTaskResult.objects.create(
        status=status,
        finished_at=finished,
        args_kwargs={"args": [], "kwargs": {"to": "ana@example.com"}},
        task_path="accounts.tasks.send_email",
        backend_name="default",
        run_after=NOW - timedelta(days=30),
    )


@pytest.fixture
def world_with_expired_data():
    """Two of each: one past its period, one within it (or not the kind retention touches)."""
    world = build_giving_world()
    expired = {}
    expired["mexican_order"] = _order(world, world.alebrije, "mx-old", years_ago=6)  # MX keeps 5 years
    _order(world, world.alebrije, "mx-recent", years_ago=4)
    _order(world, world.tea_bowl, "jp-old", years_ago=7)  # JP is not listed: the 10-year default

    stale = cart_with(None, (world.scarf, 1))
    Cart.objects.filter(pk=stale.pk).update(updated_at=NOW - timedelta(days=30))
    CartLine.objects.filter(cart=stale).update(added_at=NOW - timedelta(days=30))
    cart_with(None, (world.scarf, 1))
    Cart.objects.filter(user=world.giver).delete()
    signed_in = cart_with(world.giver, (world.scarf, 1))
    Cart.objects.filter(pk=signed_in.pk).update(updated_at=NOW - timedelta(days=300))

    ActivityEvent.objects.create(name="gift_viewed", occurred_at=NOW - timedelta(days=400), consent_basis="consent")
    ActivityEvent.objects.create(name="gift_viewed", occurred_at=NOW - timedelta(days=2), consent_basis="consent")

    storage = private_storage()
    old_file = storage.save("exports/old.zip", ContentFile(b"zip"))
    new_file = storage.save("exports/new.zip", ContentFile(b"zip"))
    expired["export"] = _request(
        status=RequestStatus.FULFILLED, days_ago=10, export_file=old_file, export_expires_at=NOW - timedelta(days=3)
    )
    _request(
        status=RequestStatus.FULFILLED, days_ago=2, export_file=new_file, export_expires_at=NOW + timedelta(days=5)
    )
    _request(status=RequestStatus.AWAITING_CONFIRMATION, days_ago=31)
    _request(status=RequestStatus.AWAITING_CONFIRMATION, days_ago=29)
    _request(status=RequestStatus.OPEN, days_ago=45)  # overdue: due 15 days ago

    _task(status=TaskResultStatus.SUCCESSFUL, finished_days_ago=8)
    _task(status=TaskResultStatus.FAILED, finished_days_ago=9)
    _task(status=TaskResultStatus.SUCCESSFUL, finished_days_ago=1)
    _task(status=TaskResultStatus.READY, finished_days_ago=None)

    Session.objects.create(session_key="a" * 32, session_data="x", expire_date=NOW - timedelta(days=1))
    Session.objects.create(session_key="b" * 32, session_data="x", expire_date=NOW + timedelta(days=1))
    expired["files"] = (old_file, new_file)
    return expired


def _state():
    return {
        "orders pseudonymized": Order.objects.filter(pseudonymized_at__isnull=False).count(),
        "orders": Order.objects.count(),
        "carts": Cart.objects.count(),
        "events": ActivityEvent.objects.count(),
        "requests": DataSubjectRequest.objects.count(),
        "export files": DataSubjectRequest.objects.exclude(export_file="").count(),
        "tasks": DBTaskResult.objects.count(),
        "sessions": Session.objects.count(),
    }


def _run(*args):
    out = io.StringIO()
    call_command("enforce_retention", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_counts_what_would_go_and_changes_nothing(world_with_expired_data):
    before = _state()

    output = _run("--dry-run")

    assert _state() == before
    assert "gifts.orders: pseudonymized: 1" in output
    assert "gifts.cart: deleted: 1" in output
    assert "compliance.requests: export files deleted: 1, unconfirmed requests deleted: 1" in output
    assert "framework.task_results: deleted: 2" in output
    assert "Dry run: nothing would be changed." in output
    assert all(private_storage().exists(name) for name in world_with_expired_data["files"])


def test_a_run_removes_exactly_what_has_expired_and_a_second_run_finds_nothing(
    world_with_expired_data, django_capture_on_commit_callbacks
):
    before = _state()

    with django_capture_on_commit_callbacks(execute=True):
        _run()

    assert _state() == {
        **before,
        "orders pseudonymized": 1,
        "carts": before["carts"] - 1,
        "events": before["events"] - 1,
        "requests": before["requests"] - 1,
        "export files": 1,
        "tasks": before["tasks"] - 2,
        "sessions": before["sessions"] - 1,
    }
    mexican = Order.objects.get(pk=world_with_expired_data["mexican_order"].pk)
    assert (mexican.giver_email, mexican.recipient_name, mexican.recipient_phone, mexican.message) == ("", "", "", "")
    assert mexican.total == world_with_expired_data["mexican_order"].total
    old_file, new_file = world_with_expired_data["files"]
    assert not private_storage().exists(old_file) and private_storage().exists(new_file)
    assert RequestEvent.objects.filter(request=world_with_expired_data["export"], note__contains="expired").exists()
    assert not DataSubjectRequest.objects.filter(
        received_at__lt=NOW - timedelta(days=30), status="awaiting_confirmation"
    )
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()

    after_first = _state()
    output = _run()

    assert _state() == after_first
    counts = [line.rsplit(": ", 1)[-1] for line in output.splitlines() if line.startswith(("gifts", "analytics"))]
    assert set(counts) == {"0"}


def test_overdue_requests_log_the_one_warning_the_alert_counts(world_with_expired_data, caplog):
    with caplog.at_level(logging.INFO, logger="lagiftart.compliance"):
        _run("--dry-run")

    warnings = [r for r in caplog.records if r.name == "lagiftart.compliance" and r.levelno == logging.WARNING]
    assert [r.json_fields for r in warnings] == [{"overdue_requests": 1}]
    others = [r for r in caplog.records if r.name == "lagiftart.compliance" and r.levelno < logging.WARNING]
    assert all("overdue_requests" not in r.json_fields for r in others)


def test_no_warning_when_every_request_is_on_time(caplog):
    with caplog.at_level(logging.INFO, logger="lagiftart.compliance"):
        output = _run()

    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "past their deadline: 0" in output
