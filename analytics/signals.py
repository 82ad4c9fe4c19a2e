"""Business counters and error reports that need no change in the apps they watch.

Orders, cancellations, artist applications and data-subject requests are counted from the rows their own services
write (model signals with lazy senders, so analytics imports none of those apps). Counting is not personal data, so
it happens whatever the visitor's consent. Unhandled exceptions are logged in the shape Cloud Error Reporting reads.
"""

import logging
import sys
import traceback

from django.conf import settings
from django.core.signals import got_request_exception
from django.db.models.signals import post_save
from django.dispatch import receiver

from analytics import metrics

error_logger = logging.getLogger("lagiftart.errors")
REPORTED_ERROR_EVENT = "type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent"


@receiver(post_save, sender="gifts.Order", dispatch_uid="analytics.count_order")
def count_order(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        metrics.ORDERS_PLACED.labels(currency=instance.currency).inc()
        metrics.ORDER_REVENUE.labels(currency=instance.currency).inc(float(instance.total))


@receiver(post_save, sender="gifts.OrderStatusChange", dispatch_uid="analytics.count_cancellation")
def count_cancellation(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.to_status == "cancelled":
        metrics.ORDERS_CANCELLED.inc()


@receiver(post_save, sender="artists.Artist", dispatch_uid="analytics.count_application")
def count_application(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.status == "applied":
        metrics.ARTIST_APPLICATIONS.inc()


@receiver(post_save, sender="compliance.DataSubjectRequest", dispatch_uid="analytics.count_dsr")
def count_data_subject_request(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        metrics.DSRS_OPENED.labels(kind=instance.kind).inc()


@receiver(got_request_exception, dispatch_uid="analytics.report_error")
def report_unhandled_exception(sender, request=None, **kwargs):
    """Log the exception as a ReportedErrorEvent: severity ERROR, the stack trace as the message, the route's
    method and path (no query string) as its context, so Error Reporting groups it and links it to the trace."""
    metrics.UNHANDLED_EXCEPTIONS.inc()
    exc_type, exc, tb = sys.exc_info()
    if exc is None:
        return
    stack = "".join(traceback.format_exception(exc_type, exc, tb))
    fields = {
        "@type": REPORTED_ERROR_EVENT,
        "serviceContext": {"service": settings.ERROR_REPORTING_SERVICE, "version": settings.ERROR_REPORTING_VERSION},
    }
    if request is not None:
        fields["context"] = {"httpRequest": {"method": request.method, "url": request.path, "responseStatusCode": 500}}
    error_logger.error(stack, extra={"json_fields": fields})
