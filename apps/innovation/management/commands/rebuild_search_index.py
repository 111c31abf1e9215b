"""``manage.py rebuild_search_index [--cluster slug] [--kind kind …]``: the search index from its sources."""

from django.core.management.base import BaseCommand, CommandError

from apps.innovation.search import sources
from apps.tenancy.models import Cluster


class Command(BaseCommand):
    help = "Rebuild the search index (every source, or --kind) of every cluster (or --cluster)."

    def add_arguments(self, parser):
        parser.add_argument("--cluster", help="the slug of one cluster")
        parser.add_argument("--kind", action="append", default=[], choices=sources.kinds())

    def handle(self, *args, cluster=None, kind=(), **options):
        cluster_id = None
        if cluster:
            found = Cluster.objects.filter(slug=cluster).first()
            if found is None:
                raise CommandError(f"no cluster {cluster!r}")
            cluster_id = found.pk
        counts = sources.rebuild(cluster_id=cluster_id, only=kind)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} entries")
