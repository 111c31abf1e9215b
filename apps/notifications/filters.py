"""The declared query parameters of the notifications API: each answers 400 naming itself when wrong."""

from django_filters import rest_framework as filters

from .models import Notification

TRUE, FALSE = ("1", "true", "yes"), ("0", "false", "no")


class NotificationFilter(filters.FilterSet):
    unread = filters.ChoiceFilter(
        choices=[(value, value) for value in TRUE + FALSE], method="filter_unread", help_text="Only unread ones."
    )

    class Meta:
        model = Notification
        fields = []

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True) if value in TRUE else queryset
