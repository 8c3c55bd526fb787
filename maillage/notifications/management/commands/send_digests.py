"""`maillage send_digests`: send the daily and weekly digests due now, and the unread-message
e-mails whose delay has passed. The worker does this every minute; this command is for cron or
a manual run. Safe to run any number of times: nothing is sent twice."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from maillage.messaging.email import unread_messages_sweep
from maillage.notifications.digests import digests_send_due


class Command(BaseCommand):
    help = "Send the notification digests and unread-message e-mails that are due."

    def handle(self, *args, **options):
        digests = digests_send_due()
        messages = unread_messages_sweep()
        self.stdout.write(f"{digests} digest(s), {messages} unread-message e-mail(s) sent.")
