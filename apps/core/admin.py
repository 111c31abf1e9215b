from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import DomainError
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


class ReasonActionForm(ActionForm):
    """The action bar with a reason beside the action: the services record it (and show it to the
    enterprise) and refuse a decision that needs one without it."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"size": 40, "placeholder": gettext_lazy("Reason (the enterprise sees it)")}),
    )


def service_action(name: str, *, description, call, done, named=str):
    """An admin action that changes each selected row only through its app's service.

    ``call(request=…, row=…, reason=…)`` calls the service for one row (as the signed-in staff member,
    whom the services treat as the cluster's administrator); each row is reported on its own: ``done``
    (``%(row)s``: ``named(row)``) when the service did it, else the service's refusal — what the
    lifecycle refuses is refused here too, and the other rows still go ahead.
    """

    def action(modeladmin, request, queryset):
        form = ReasonActionForm(request.POST)
        form.fields["action"].choices = modeladmin.get_action_choices(request)
        reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
        for row in queryset:
            label = named(row)
            try:
                call(request=request, row=row, reason=reason)
            except DomainError as error:
                modeladmin.message_user(
                    request,
                    _("%(row)s: refused — %(reason)s") % {"row": label, "reason": error.message},
                    messages.ERROR,
                )
            else:
                modeladmin.message_user(request, done % {"row": label}, messages.SUCCESS)

    action.__name__ = name
    return admin.action(description=description, permissions=["view"])(action)


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
