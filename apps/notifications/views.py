"""The notification inbox page and the page of notification preferences."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.forms import PageQuery

from . import services
from .models import Notification, NotificationPreference


def _local_link(link: str) -> str:
    """A notification's link when it points inside this site (a path), else nothing to follow."""
    return link if link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None) else ""


@login_required
def notification_list(request):
    notifications = (
        Notification.objects.filter(user=request.user).select_related("cluster").order_by("-created_at", "-pk")
    )
    page = PageQuery(request.GET).page_of(notifications, 25)
    for notification in page.object_list:
        notification.href = _local_link(notification.link)
    return render(request, "notifications/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk):
    if not Notification.objects.filter(user=request.user, pk=pk).exists():
        raise Http404
    services.notification_mark_read(user=request.user, notification_id=pk)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notification-list")


@login_required
@require_POST
def notifications_read_all(request):
    marked = services.notifications_mark_all_read(user=request.user)
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notification-list")


# --- Preferences --------------------------------------------------------------------------------

CHANNELS = ("in_app", "email")


class PreferencesForm(forms.Form):
    """Two checkboxes per category: ``<category>-in_app`` and ``<category>-email`` (unchecked = off)."""

    def __init__(self, *args, stored: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for category, label in NotificationPreference.Category.choices:
            preference = stored.get(category)
            for channel in CHANNELS:
                self.fields[f"{category}-{channel}"] = forms.BooleanField(
                    label=label,
                    required=False,
                    initial=getattr(preference, channel) if preference else True,
                )

    def rows(self) -> list[dict]:
        return [
            {
                "category": category,
                "label": label,
                "in_app": self[f"{category}-in_app"],
                "email": self[f"{category}-email"],
            }
            for category, label in NotificationPreference.Category.choices
        ]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_preferences(request):
    stored = {p.category: p for p in NotificationPreference.objects.filter(user=request.user)}
    form = PreferencesForm(request.POST if request.method == "POST" else None, stored=stored)
    if form.is_bound and form.is_valid():
        with transaction.atomic():
            for category in NotificationPreference.Category.values:
                NotificationPreference.objects.update_or_create(
                    user=request.user,
                    category=category,
                    defaults={channel: form.cleaned_data[f"{category}-{channel}"] for channel in CHANNELS},
                )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notification-preferences")
    return render(request, "notifications/preferences.html", {"form": form})
