from django.contrib import admin

from .models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("source", "beats", "last_seen_at", "hostname")
    readonly_fields = ("source", "beats", "last_seen_at", "hostname")
