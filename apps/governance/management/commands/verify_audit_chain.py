from django.core.management.base import BaseCommand, CommandError

from apps.governance.chain import chain_verify
from apps.tenancy.models import Cluster


class Command(BaseCommand):
    help = (
        "Verify each cluster's keyed hash chain against its signed checkpoints, and its audit events and votes "
        "against their entries; name the first broken entry (exit 1 if any)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="clusters to check (default: all)")

    def handle(self, *args, slugs, **options):
        clusters = Cluster.objects.filter(slug__in=slugs) if slugs else Cluster.objects.all()
        broken = 0
        for cluster in clusters.order_by("slug"):
            result = chain_verify(cluster=cluster)
            if result.ok:
                checkpoint = result.checkpoint
                pinned = f", checkpoint at entry {checkpoint.sequence}" if checkpoint else ", no checkpoint yet"
                self.stdout.write(f"{cluster.slug}: {result.entries} entries, chain intact{pinned}")
            elif result.first_broken is None:
                broken += 1
                self.stdout.write(self.style.ERROR(f"{cluster.slug}: broken: {result.problem}"))
            else:
                broken += 1
                self.stdout.write(
                    self.style.ERROR(f"{cluster.slug}: entry {result.first_broken} broken: {result.problem}")
                )
        if broken:
            raise CommandError(f"{broken} cluster chain(s) broken")
