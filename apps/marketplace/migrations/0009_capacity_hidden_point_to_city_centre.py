"""Capacity offers posted without coordinates copied their owner's own (private) point; they
are moved to the centre of their region's city, as new ones are (``listing_create``)."""

from django.db import migrations
from django.db.models import F


def to_city_centre(apps, schema_editor):
    CapacityOffer = apps.get_model("marketplace", "CapacityOffer")
    Region = apps.get_model("reference", "Region")
    copied = CapacityOffer.objects.filter(latitude=F("owner__latitude"), longitude=F("owner__longitude"))
    centres = {r.code: (r.latitude, r.longitude) for r in Region.objects.all()}
    for offer in copied.only("pk", "region_code", "latitude", "longitude"):
        code = offer.region_code or ""
        centre = next((centres[c] for c in (code, f"{code[:4]}00", f"{code[:2]}0000") if c in centres), None)
        if centre is not None and centre != (offer.latitude, offer.longitude):
            CapacityOffer.objects.filter(pk=offer.pk).update(latitude=centre[0], longitude=centre[1])


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0008_listing_coordinates_in_range"),
        ("reference", "0003_coordinates_in_range"),
    ]

    operations = [migrations.RunPython(to_city_centre, migrations.RunPython.noop)]
