"""The staff analytics page: drawn from seeded events as inline SVG, for staff with the permission only."""

import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client

from accounts.tests.backoffice import sign_in_with_mfa
from analytics.models import ActivityEvent, WebVitalSample

URL = "/backoffice/analytics/activityevent/dashboard/"


@pytest.fixture
def seeded(db):
    call_command("seed_events", "600", "--days", "20", stdout=io.StringIO())


def test_the_page_draws_its_charts_from_seeded_events(admin_client, seeded):
    assert ActivityEvent.objects.count() == 600 and WebVitalSample.objects.exists()
    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") >= 5
    assert "<script" not in html.split('id="content-main"')[1]
    funnel = re.search(r'<title id="funnel-title">.*?</svg>', html, re.S).group(0)
    assert "Gift viewed" in funnel and "Order placed" in funnel and "(100.0%)" in funnel
    assert re.search(r"Largest Contentful Paint \(ms\): <strong>\d+ ms \(p75 of \d+\)", html)


def test_a_period_without_data_says_so(admin_client, seeded):
    html = admin_client.get(URL, {"since": "2001-01-01", "until": "2001-01-31"}).content.decode()
    assert "Nothing in this period." in html


@pytest.mark.parametrize(
    "period",
    [{"since": "2026-02-01", "until": "2026-01-01"}, {"since": "2020-01-01", "until": "2026-01-01"}, {"since": "x"}],
)
def test_a_bad_period_is_a_form_error_not_a_failure(admin_client, db, period):
    response = admin_client.get(URL, period)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_staff_without_the_permission_are_refused(db, django_user_model):
    staff = django_user_model.objects.create_user(
        email="curator@example.com", password="a-long-secret-9", is_staff=True
    )
    client = sign_in_with_mfa(Client(), staff)
    assert client.get(URL).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    assert client.get(URL).status_code == 200
