from django.db import migrations, models


def load(apps, schema_editor):
    from apps.reference.loader import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    """A certification's short label in both scripts (高新技术企业 / HNTE), loaded from the JSON."""

    dependencies = [("reference", "0003_coordinates_in_range")]

    operations = [
        migrations.RenameField(model_name="certificationscheme", old_name="label", new_name="label_en"),
        migrations.AlterField(
            model_name="certificationscheme",
            name="label_en",
            field=models.CharField(max_length=60, verbose_name="label (English)"),
        ),
        migrations.AddField(
            model_name="certificationscheme",
            name="label_zh",
            field=models.CharField(default="", max_length=60, verbose_name="label (Chinese)"),
            preserve_default=False,
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
