"""A person's activity events are found under every key still in use, and their erasure reaches the BigQuery copy.

Events written before a SECRET_KEY rotation carry pseudonyms keyed with the retired key, which then sits in
SECRET_KEY_FALLBACKS. A data-subject export or erasure must find those too; once the erasure commits, the pseudonyms
it deleted by go out on the `lagiftart.erasures` log stream that the BigQuery scheduled query deletes by.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from analytics.events import user_pseudonym, visitor_pseudonym
from analytics.models import ActivityEvent
from analytics.personal_data import erase_events, export_events
from compliance.registry import Subject

pytestmark = pytest.mark.django_db

RETIRED_KEY = "retired-signing-key-" + "r" * 40
OLDER_KEY = "older-retired-key-" + "o" * 40
CURRENT_KEY = "current-signing-key-" + "c" * 40
BROWSER = "browser-id-0123456789abcdef"


@pytest.fixture
def rotated(settings):
    """The key was rotated: events written before carry the retired key's pseudonyms."""
    settings.SECRET_KEY = CURRENT_KEY
    settings.SECRET_KEY_FALLBACKS = [RETIRED_KEY, OLDER_KEY]
    return settings


def event(name="gift_viewed", *, days_ago=0, **pseudonyms):
    return ActivityEvent.objects.create(
        name=name, occurred_at=timezone.now() - timedelta(days=days_ago), consent_basis="consent", **pseudonyms
    )


def test_export_finds_account_events_hashed_under_current_and_retired_keys(rotated):
    user = UserFactory()
    event("order_placed", days_ago=200, user=user_pseudonym(user.pk, secret=OLDER_KEY))
    event("cart_added", days_ago=30, user=user_pseudonym(user.pk, secret=RETIRED_KEY))
    event("gift_viewed", user=user_pseudonym(user.pk))
    event("gift_viewed", user=user_pseudonym(UserFactory().pk, secret=RETIRED_KEY))  # someone else

    exported = export_events(Subject(email=user.email, user_id=user.pk))

    assert [row["event"] for row in exported] == ["order_placed", "cart_added", "gift_viewed"]


def test_erasure_deletes_browser_events_hashed_under_a_retired_key(rotated):
    today = timezone.now().date()
    forty_days_ago = today - timedelta(days=40)
    event("gift_viewed", days_ago=40, visitor=visitor_pseudonym(BROWSER, forty_days_ago, secret=RETIRED_KEY))
    event("market_viewed", days_ago=2, visitor=visitor_pseudonym(BROWSER, today - timedelta(days=2)))
    stranger = event(visitor=visitor_pseudonym("another-browser-0123456789", today, secret=RETIRED_KEY))

    summary = erase_events(Subject(email="", visitor_ids=(BROWSER,)))

    assert summary == {"deleted": 2}
    assert list(ActivityEvent.objects.all()) == [stranger]


def test_events_under_a_key_no_longer_in_the_fallbacks_are_out_of_reach(rotated):
    user = UserFactory()
    event(user=user_pseudonym(user.pk, secret="a-key-dropped-from-the-fallbacks-" + "d" * 30))
    subject = Subject(email=user.email, user_id=user.pk)
    assert export_events(subject) == []
    assert erase_events(subject) == {"deleted": 0}


def test_many_browsers_and_keys_are_searched_in_batches(rotated):
    browsers = tuple(f"browser-{n}-0123456789abcdef" for n in range(3))
    today = timezone.now().date()
    oldest = today - timedelta(days=395)
    event("gift_viewed", days_ago=395, visitor=visitor_pseudonym(browsers[2], oldest, secret=OLDER_KEY))
    subject = Subject(email="", visitor_ids=browsers)
    # 3 browsers x 396 days x 3 keys = 3,564 pseudonyms: four queries' worth, on the last day of retention.

    assert [row["event"] for row in export_events(subject)] == ["gift_viewed"]
    assert erase_events(subject) == {"deleted": 1}


def test_committed_erasure_logs_the_pseudonyms_it_deleted_by(rotated, json_log, django_capture_on_commit_callbacks):
    lines = json_log("lagiftart.erasures")
    user, housemate = UserFactory(), UserFactory()
    today = timezone.now().date()
    shared_day = visitor_pseudonym(BROWSER, today, secret=RETIRED_KEY)
    event(user=user_pseudonym(user.pk, secret=RETIRED_KEY), visitor=shared_day)
    event(user=user_pseudonym(housemate.pk), visitor=shared_day)  # the same browser, signed in as someone else
    housemate_elsewhere = event(user=user_pseudonym(housemate.pk), visitor="f" * 32)

    with django_capture_on_commit_callbacks(execute=True):
        summary = erase_events(Subject(email=user.email, user_id=user.pk, visitor_ids=(BROWSER,)))
        assert lines.read() == []  # nothing leaves before the erasure commits

    assert summary == {"deleted": 2}
    assert list(ActivityEvent.objects.all()) == [housemate_elsewhere]
    (entry,) = lines.read()
    erased = set(entry["erased_pseudonyms"])
    account = {user_pseudonym(user.pk, secret=key) for key in (CURRENT_KEY, RETIRED_KEY, OLDER_KEY)}
    assert erased == account | {shared_day}
    assert entry["erased_count"] == len(erased)
    # The BigQuery deletion matches the database's: the housemate's own rows elsewhere are not named.
    assert user_pseudonym(housemate.pk) not in erased
    assert "f" * 32 not in erased
    assert user.email not in str(entry)
    assert entry["severity"] == "INFO"


def test_an_erasure_that_finds_nothing_to_name_logs_nothing(rotated, json_log, django_capture_on_commit_callbacks):
    lines = json_log("lagiftart.erasures")
    with django_capture_on_commit_callbacks(execute=True):
        assert erase_events(Subject(email="nobody@example.com")) == {"deleted": 0}
    assert lines.read() == []
