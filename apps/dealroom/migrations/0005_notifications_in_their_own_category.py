"""The deal room's notifications get their own preference category ("dealroom").

Messages were raised as ``marketplace.deal_room_message`` (the category "Matches and deals"):
the stored rows take the new kind, and whoever had set a preference for matches and deals
starts with the same choice for the deal room, so nothing they muted starts sounding."""

from django.db import migrations

OLD, NEW = "marketplace.deal_room_message", "dealroom.message"


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Preference = apps.get_model("notifications", "NotificationPreference")
    Notification.objects.filter(kind=OLD).update(kind=NEW)
    existing = set(Preference.objects.filter(category="dealroom").values_list("user_id", flat=True))
    Preference.objects.bulk_create(
        Preference(user_id=p.user_id, category="dealroom", in_app=p.in_app, email=p.email)
        for p in Preference.objects.filter(category="marketplace").exclude(user_id__in=existing)
    )


def backwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Preference = apps.get_model("notifications", "NotificationPreference")
    Notification.objects.filter(kind=NEW).update(kind=OLD)
    Preference.objects.filter(category="dealroom").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dealroom", "0004_withdraw_revise_cancel_attachments"),
        ("notifications", "0004_preference_category_dealroom"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
