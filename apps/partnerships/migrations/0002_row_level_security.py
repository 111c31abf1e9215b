"""Row-level security on PostgreSQL for partnerships (see apps.partnerships.rls)."""

from django.db import migrations

from apps.partnerships.rls import PartnershipRowSecurity


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]

    operations = [PartnershipRowSecurity()]
