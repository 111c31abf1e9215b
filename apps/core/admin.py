from django.contrib import admin

from .models import Heartbeat


class ReadOnlyAdminMixin:
    """Platform staff read the apps' rows in Django admin but change none of them here: a state
    change goes through the owning app's services (which check its rules, audit and notify), so
    admin adds, edits and deletes nothing. Superusers keep the view permission.

    On an inline, every field shown is read-only, and ``list_select_related`` applies to its rows
    (a read-only inline shows each foreign key through its ``__str__``)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyModelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    list_select_related: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        return self.fields or [field.name for field in self.model._meta.fields]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.list_select_related) if self.list_select_related else queryset


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("source", "beats", "last_seen_at", "hostname")
    readonly_fields = ("source", "beats", "last_seen_at", "hostname")
