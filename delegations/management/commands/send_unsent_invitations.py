from django.core.management.base import BaseCommand

from delegations.services import invitations_send_unsent


class Command(BaseCommand):
    help = (
        "Send again every invitation still usable whose e-mail could not leave (a mail "
        "server that refused, a worker that died). Run it regularly: an invitation is "
        "sent once however often it runs."
    )

    def handle(self, *args, **options):
        sent, failed = invitations_send_unsent()
        self.stdout.write(f"invitations sent {sent}; still failing {failed}")
