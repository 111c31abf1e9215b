from django.core.management.base import BaseCommand
from django.db import transaction

from apps.governance import demo as governance_demo
from apps.marketplace import demo as marketplace_demo
from apps.membership import demo as membership_demo
from apps.tenancy import demo as tenancy_demo

#: Each domain app contributes its demo data; order matters (later apps build on earlier ones).
LOADERS = [tenancy_demo.load, membership_demo.load, marketplace_demo.load, governance_demo.load]


class Command(BaseCommand):
    help = "Load the demo cluster landscape (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options):
        logins = []
        with transaction.atomic():
            for loader in LOADERS:
                logins += loader()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo logins:"))
        for email, password, what in logins:
            self.stdout.write(f"  {email:<36} {password:<20} {what}")
