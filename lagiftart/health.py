"""Health endpoints for Cloud Run: liveness touches nothing, readiness proves the database is usable."""

import logging

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

_migrations_verified = False


@never_cache
@require_safe
def healthz(request):
    """The process is alive and serving; touches no database so a slow database never restarts instances."""
    return JsonResponse({"status": "ok"})


def pending_migrations() -> list[str]:
    """Names of migrations on disk that the database has not applied."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


@never_cache
@require_safe
def readyz(request):
    """Ready for traffic: the database answers and every migration is applied (checked until true once)."""
    global _migrations_verified
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        if not _migrations_verified:
            pending = pending_migrations()
            if pending:
                return JsonResponse(
                    {"status": "unavailable", "reason": "unapplied migrations", "migrations": pending[:20]},
                    status=503,
                )
            # Applied migrations never un-apply under a running revision, so one success is enough.
            _migrations_verified = True
    except DatabaseError as error:
        logger.warning("readiness check failed: database unreachable (%s)", type(error).__name__)
        return JsonResponse({"status": "unavailable", "reason": "database unreachable"}, status=503)
    return JsonResponse({"status": "ok"})
