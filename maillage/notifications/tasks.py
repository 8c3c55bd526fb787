"""Background work for notification e-mail: one notification at once, and the periodic tick
(digests due, unread-message e-mails whose delay has passed)."""

from __future__ import annotations

from django_tasks import task


@task()
def notification_email_task(notification_id: int) -> bool:
    from .email import notification_email_send

    return notification_email_send(notification_id)


@task()
def notifications_mail_tick() -> int:
    """Enqueued every minute by the worker's ticker (and run by `send_digests`): idempotent,
    each digest period and each message is mailed at most once."""
    from maillage.messaging.email import unread_messages_sweep

    from .digests import digests_send_due

    return digests_send_due() + unread_messages_sweep()
