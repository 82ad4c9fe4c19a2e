"""The back office opens every catalog, artist and market screen, lists rows and finds them by search."""

import pytest
from django.urls import reverse

from gifts.tests.world import build_world

pytestmark = pytest.mark.django_db

SCREENS = [
    ("locales", "locale"),
    ("locales", "exchangerate"),
    ("locales", "shippinglane"),
    ("artists", "artist"),
    ("artists", "artiststatuschange"),
    ("gifts", "category"),
    ("gifts", "gift"),
]


@pytest.mark.parametrize(("app", "model"), SCREENS)
def test_each_list_opens_and_searches(admin_client, app, model):
    build_world()
    url = reverse(f"admin:{app}_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "kyoto"}).status_code == 200


@pytest.mark.parametrize(("app", "model"), [screen for screen in SCREENS if screen[1] != "artiststatuschange"])
def test_each_add_form_opens(admin_client, app, model):
    assert admin_client.get(reverse(f"admin:{app}_{model}_add")).status_code == 200


def test_a_gift_opens_with_its_images_in_every_language(admin_client):
    world = build_world()
    page = admin_client.get(reverse("admin:gifts_gift_change", args=[world.tea_bowl.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="title_ja"' in content and 'name="images-0-alt_text_fr"' in content
