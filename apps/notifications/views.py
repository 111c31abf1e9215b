"""The notification inbox page and the page of notification preferences."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.forms import PageQuery, next_url

from . import selectors, services
from .filters import NotificationFilter
from .models import NotificationPreference


def _local_link(link: str) -> str:
    """A notification's link when it points inside this site (a path), else nothing to follow."""
    return link if link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None) else ""


@login_required
def notification_list(request):
    filters = NotificationFilter(request.GET, queryset=selectors.notifications_of(user=request.user))
    page = PageQuery(request.GET).page_of(filters.qs, 25)  # ?unread=1 as in the API
    for notification in page.object_list:
        notification.href = _local_link(notification.link)
    return render(request, "notifications/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk):
    if not selectors.notification_exists(user=request.user, notification_id=pk):
        raise Http404
    services.notification_mark_read(user=request.user, notification_id=pk)
    return redirect(next_url(request, reverse("notification-list")))


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
    stored = selectors.preferences_stored(user=request.user)
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
