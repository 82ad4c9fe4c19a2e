"""The personal-data registry: every app that stores personal data says here how to export and erase it.

Export and erasure walk this registry, so a new model holding personal data is a registry entry in its app, not a
change to compliance. The convention (docs/compliance.md): each app keeps its providers in `<app>/personal_data.py`
and imports that module from its AppConfig.ready():

    from compliance.registry import PersonalDataProvider, register

    register(PersonalDataProvider(
        category="gifts.orders",
        label=_("Orders"),
        export=export_orders,      # Subject -> JSON-able data (lists, dicts, strings, numbers, None)
        erase=erase_orders,        # Subject -> JSON-able summary: {"deleted": 2, "pseudonymized": 5}
        erase_order=100,
        retain=retain_orders,      # optional: (now, dry_run) -> {"pseudonymized": 2}, the daily retention work
    ))

`erase` runs inside the erasure's transaction: raise to abort the whole erasure; never send email or call
another service from it (do that on commit). `retain`, when given, is the app's share of the daily
`manage.py enforce_retention`: it removes or pseudonymizes what has outlived its period, as of `now`, and returns
how many rows it touched (or, with `dry_run`, would touch) by kind. It must be idempotent and change nothing when
`dry_run` is true; it runs in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Subject:
    """The person a request is about: their account (when they have one), email, and browsers' visitor ids."""

    email: str
    user_id: int | None = None
    visitor_ids: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self):
        object.__setattr__(self, "email", self.email.strip())
        object.__setattr__(self, "visitor_ids", tuple(sorted({v for v in self.visitor_ids if v})))


@dataclass(frozen=True)
class PersonalDataProvider:
    """What one app holds about a subject under one category, and how to export and erase it.

    `erase_order` sorts erasure: data that points at the account (orders, carts, applications) at 100, the
    account itself at 900, compliance's own records at 1000, so nothing is cascaded away before it is handled.
    `retain(now, dry_run)`, when set, enforces the category's retention period (see the module docstring).
    """

    category: str
    label: str | Promise
    export: Callable[[Subject], Any]
    erase: Callable[[Subject], dict]
    erase_order: int = 100
    retain: Callable[[datetime, bool], dict[str, int]] | None = None


class RegistryError(Exception):
    """A provider was registered twice under one category by different code."""


class PersonalDataRegistry:
    def __init__(self):
        self._providers: dict[str, PersonalDataProvider] = {}

    def register(self, provider: PersonalDataProvider) -> PersonalDataProvider:
        existing = self._providers.get(provider.category)
        if existing is not None and (existing.export, existing.erase) != (provider.export, provider.erase):
            raise RegistryError(f"Another provider is already registered for {provider.category!r}.")
        self._providers[provider.category] = provider
        return provider

    def unregister(self, category: str) -> None:
        self._providers.pop(category, None)

    def providers(self) -> list[PersonalDataProvider]:
        """Every provider, by category name (the order of an export)."""
        return [self._providers[category] for category in sorted(self._providers)]

    def erasure_order(self) -> list[PersonalDataProvider]:
        return sorted(self._providers.values(), key=lambda provider: (provider.erase_order, provider.category))

    def __iter__(self) -> Iterator[PersonalDataProvider]:
        return iter(self.providers())

    def __contains__(self, category: str) -> bool:
        return category in self._providers


registry = PersonalDataRegistry()


def register(provider: PersonalDataProvider) -> PersonalDataProvider:
    """Register `provider` in the project's registry; the same provider registered again is harmless."""
    return registry.register(provider)
