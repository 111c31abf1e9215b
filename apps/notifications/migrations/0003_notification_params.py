"""Notifications store what happened (kind + params) and are rendered when read.

Existing rows get ``params = NULL`` (the field is added without a default first): they keep
reading their stored title and body, the text they were written with. New rows default to ``{}``.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_notificationpreference")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, null=True, verbose_name="parameters"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=dict, null=True, verbose_name="parameters"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="title",
            field=models.CharField(blank=True, max_length=200, verbose_name="title (legacy text)"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="body",
            field=models.TextField(blank=True, verbose_name="message (legacy text)"),
        ),
    ]
