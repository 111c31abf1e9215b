"""Park bookings and innovation challenges get their own preference categories.

Their kinds (``parks.*``, ``innovation.*``) had no category of their own and fell back to "alert"
(monitoring alerts): whoever had set a preference for alerts starts with the same choice for each
new category, so nothing they muted starts sounding. The stored rows keep their kinds."""

from django.db import migrations

OLD, NEW = "alert", ("parks", "innovation")


def forwards(apps, schema_editor):
    Preference = apps.get_model("notifications", "NotificationPreference")
    for category in NEW:
        existing = set(Preference.objects.filter(category=category).values_list("user_id", flat=True))
        Preference.objects.bulk_create(
            Preference(user_id=p.user_id, category=category, in_app=p.in_app, email=p.email)
            for p in Preference.objects.filter(category=OLD).exclude(user_id__in=existing)
        )


def backwards(apps, schema_editor):
    Preference = apps.get_model("notifications", "NotificationPreference")
    Preference.objects.filter(category__in=NEW).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_preference_categories_parks_innovation")]

    operations = [migrations.RunPython(forwards, backwards)]
