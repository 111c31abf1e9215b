"""Factories of notifications: in-app messages and a user's preferences per category."""

import factory

from apps.notifications.models import Notification, NotificationPreference

from . import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    """An unread message to a user (of no cluster unless ``cluster=``)."""

    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = "marketplace.match"
    title = factory.Sequence(lambda n: f"Notification {n}")


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    """A user's choice for one category (both channels on, as without a preference)."""

    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    category = NotificationPreference.Category.MARKETPLACE
