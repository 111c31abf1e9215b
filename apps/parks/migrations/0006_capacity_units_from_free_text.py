"""A resource's capacity unit was free text, "units" by default: stored English that a Chinese reader read
as English. It is now a code (``Resource.CapacityUnit``) shown in the reader's language.

Each stored text becomes the code it names, in English or Chinese, singular or plural, in any case. A text
naming no code becomes "units", and the words the administrator wrote are kept at the end of the
resource's description (``[12 racks]``), so nothing they said is lost. Currencies are upper-cased
("cny" -> "CNY"). Backwards, the codes are the free text they were (``m2`` as ``m²``).
"""

from django.db import migrations

SYNONYMS = {
    "units": ("unit", "units", "个", "件", "台", "套", "单位"),
    "seats": ("seat", "seats", "座", "座位", "个座位", "席", "席位"),
    "desks": ("desk", "desks", "workstation", "workstations", "工位", "个工位"),
    "rooms": ("room", "rooms", "间", "房间", "会议室"),
    "booths": ("booth", "booths", "stand", "stands", "展位", "个展位", "摊位"),
    "pallets": ("pallet", "pallets", "pallet positions", "托盘", "托盘位", "个托盘位", "托"),
    "truckloads": ("truckload", "truckloads", "truck", "trucks", "车", "车次", "辆"),
    "m2": ("m2", "m²", "sqm", "sq m", "square metre", "square metres", "square meter", "square meters", "平方米", "平米", "㎡"),
    "samples": ("sample", "samples", "样品", "个样品", "样"),
}
CODE_OF = {word: code for code, words in SYNONYMS.items() for word in words}
DESCRIPTION_MAX = 4000


def code_of(text: str) -> str | None:
    return CODE_OF.get(" ".join((text or "").split()).lower())


def forwards(apps, schema_editor):
    Resource = apps.get_model("parks", "Resource")
    for resource in Resource.objects.exclude(capacity_unit__in=SYNONYMS).only(
        "pk", "capacity", "capacity_unit", "description"
    ):
        written = " ".join((resource.capacity_unit or "").split())
        code = code_of(written)
        fields = {"capacity_unit": code or "units"}
        if code is None and written:
            kept = f"[{resource.capacity} {written}]"
            description = resource.description.rstrip()
            fields["description"] = (f"{description}\n\n{kept}" if description else kept)[-DESCRIPTION_MAX:]
        Resource.objects.filter(pk=resource.pk).update(**fields)
    for currency in Resource.objects.values_list("currency", flat=True).distinct():
        if currency != currency.upper():
            Resource.objects.filter(currency=currency).update(currency=currency.upper())


def backwards(apps, schema_editor):
    Resource = apps.get_model("parks", "Resource")
    Resource.objects.filter(capacity_unit="m2").update(capacity_unit="m²")


class Migration(migrations.Migration):
    dependencies = [("parks", "0005_capacity_unit_and_currency_as_codes")]

    operations = [migrations.RunPython(forwards, backwards)]
