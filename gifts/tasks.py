"""Background work for orders, run by the task worker (`manage.py db_worker`)."""

from django_tasks import task

from gifts.checkout import release_if_unconfirmed


@task()
def release_unconfirmed_payment(*, order_id: int) -> bool:
    """An order's hold timer: once the bank's confirmation window has passed, put the pieces of an order still
    waiting for it back on sale and cancel it (gifts.checkout.release_if_unconfirmed). Idempotent: a paid or already
    released order is left alone, so a retried or duplicated run changes nothing."""
    return release_if_unconfirmed(order_id=order_id)
