from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.schema import ErrorSerializer
from apps.core.api.serializers import ModelSerializer
from apps.core.errors import NotFoundError

from .. import selectors, services
from ..filters import NotificationFilter
from ..models import Notification, NotificationPreference


class NotificationSerializer(ModelSerializer):
    cluster = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    is_read = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField(help_text="Rendered in the language of the request.")
    body = serializers.SerializerMethodField(help_text="Rendered in the language of the request.")
    params = serializers.JSONField(read_only=True, help_text="What happened: the kind's parameters.")

    class Meta:
        model = Notification
        fields = ("id", "kind", "params", "title", "body", "link", "cluster", "is_read", "read_at", "created_at")
        read_only_fields = fields

    def get_is_read(self, notification) -> bool:
        return notification.read_at is not None

    def get_title(self, notification) -> str:
        return notification.rendered_title

    def get_body(self, notification) -> str:
        return notification.rendered_body


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(
        summary="My notifications, newest first",
    )
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    filterset_class = NotificationFilter
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return selectors.notifications_of(user=self.request.user)

    @extend_schema(request=None, responses={200: MarkedSerializer, 404: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, *args, **kwargs):
        if not selectors.notification_exists(user=request.user, notification_id=int(kwargs["pk"])):
            raise NotFoundError()
        marked = services.notification_mark_read(user=request.user, notification_id=int(kwargs["pk"]))
        return Response({"marked": marked}, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: MarkedSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request, *args, **kwargs):
        return Response({"marked": services.notifications_mark_all_read(user=request.user)})


class PreferenceSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=NotificationPreference.Category.choices)
    in_app = serializers.BooleanField()
    email = serializers.BooleanField()


class NotificationPreferenceViewSet(viewsets.GenericViewSet):
    """Which notifications you get in the app and by e-mail, per category."""

    serializer_class = PreferenceSerializer
    queryset = NotificationPreference.objects.none()
    filter_backends = []  # one row per category: nothing to filter or order

    def list(self, request, *args, **kwargs):
        return self.get_paginated_response(self.paginate_queryset(selectors.preferences_of(user=request.user)))

    @extend_schema(
        request=PreferenceSerializer(many=True), responses={200: PreferenceSerializer(many=True), 400: ErrorSerializer}
    )
    @action(detail=False, methods=["put"], url_path="set")
    def set_preferences(self, request, *args, **kwargs):
        serializer = PreferenceSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            for item in serializer.validated_data:
                NotificationPreference.objects.update_or_create(
                    user=request.user,
                    category=item["category"],
                    defaults={"in_app": item["in_app"], "email": item["email"]},
                )
        return self.list(request)  # the preferences now, paged as the list answers them
