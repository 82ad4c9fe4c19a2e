"""The daily retention run: every app's share (its providers' `retain`), plus what the framework keeps.

`manage.py enforce_retention` calls `enforce_retention`, daily, as a Cloud Run Job that Google may retry; every
step is idempotent and runs in its own transaction, so a retried or interrupted run only finishes the work. The run
ends with the one log line the overdue-requests alert counts (docs/deploy.md): a WARNING on `lagiftart.compliance`
whose JSON payload has `overdue_requests`, written only when at least one open request is past its deadline.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from compliance.models import DataSubjectRequest
from compliance.registry import registry

logger = logging.getLogger("lagiftart.compliance")

TASK_RESULT_LIFETIME = timedelta(days=7)
"""Finished task rows keep their arguments, email addresses included (the last "erased" notice among them)."""


def prune_task_results(now: datetime, dry_run: bool) -> dict:
    """Delete background-task rows that finished more than TASK_RESULT_LIFETIME ago; waiting ones are kept."""
    from django_tasks_db.models import DBTaskResult

    finished = DBTaskResult.objects.finished().filter(finished_at__lt=now - TASK_RESULT_LIFETIME)
    if dry_run:
        return {"deleted": finished.count()}
    deleted, _detail = finished.delete()
    return {"deleted": deleted}


def clear_expired_sessions(now: datetime, dry_run: bool) -> dict:
    """Delete expired sessions (what `manage.py clearsessions` does), which may hold a signed-in person's id."""
    expired = Session.objects.filter(expire_date__lt=now)
    if dry_run:
        return {"deleted": expired.count()}
    deleted, _detail = expired.delete()
    return {"deleted": deleted}


FRAMEWORK_RULES: dict[str, Callable[[datetime, bool], dict]] = {
    "framework.task_results": prune_task_results,
    "framework.sessions": clear_expired_sessions,
}


def enforce_retention(*, now: datetime | None = None, dry_run: bool = False) -> dict:
    """Remove or pseudonymize everything past its retention period; returns the counts by category.

    With `dry_run`, counts what would go and changes nothing. The overdue requests are counted either way.
    """
    now = now or timezone.now()
    rules = {provider.category: provider.retain for provider in registry.providers() if provider.retain}
    rules.update(FRAMEWORK_RULES)
    counts = {}
    for category, retain in rules.items():
        with transaction.atomic():
            counts[category] = retain(now, dry_run)
    overdue = DataSubjectRequest.objects.overdue(timezone.localdate(now)).count()
    logger.info(
        "Retention %s",
        "dry run" if dry_run else "done",
        extra={"json_fields": {"dry_run": dry_run, "retention": counts}},
    )
    if overdue:
        logger.warning(
            "%d data-subject request(s) past their deadline",
            overdue,
            extra={"json_fields": {"overdue_requests": overdue}},
        )
    return {"counts": counts, "overdue_requests": overdue}
