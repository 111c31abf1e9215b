from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.schema import ErrorSerializer
from apps.core.api.serializers import ModelSerializer
from apps.core.errors import NotFoundError

from .. import services
from ..filters import NotificationFilter
from ..models import Notification, NotificationPreference


class NotificationSerializer(ModelSerializer):
    cluster = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ("id", "kind", "title", "body", "link", "cluster", "is_read", "read_at", "created_at")
        read_only_fields = fields

    def get_is_read(self, notification) -> bool:
        return notification.read_at is not None


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
        qs = Notification.objects.filter(user=self.request.user).select_related("cluster")
        return qs.order_by("-created_at", "-pk")

    @extend_schema(request=None, responses={200: MarkedSerializer, 404: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, *args, **kwargs):
        if not Notification.objects.filter(user=request.user, pk=kwargs["pk"]).exists():
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


def _preferences(user) -> list[dict]:
    stored = {p.category: p for p in NotificationPreference.objects.filter(user=user)}
    return [
        {
            "category": category,
            "in_app": stored[category].in_app if category in stored else True,
            "email": stored[category].email if category in stored else True,
        }
        for category in NotificationPreference.Category.values
    ]


class NotificationPreferenceViewSet(viewsets.GenericViewSet):
    """Which notifications you get in the app and by e-mail, per category."""

    serializer_class = PreferenceSerializer
    queryset = NotificationPreference.objects.none()
    pagination_class = None

    @extend_schema(responses={200: PreferenceSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        return Response(_preferences(request.user))

    @extend_schema(
        request=PreferenceSerializer(many=True), responses={200: PreferenceSerializer(many=True), 400: ErrorSerializer}
    )
    @action(detail=False, methods=["put"], url_path="set")
    def set_preferences(self, request, *args, **kwargs):
        serializer = PreferenceSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        from django.db import transaction

        with transaction.atomic():
            for item in serializer.validated_data:
                NotificationPreference.objects.update_or_create(
                    user=request.user,
                    category=item["category"],
                    defaults={"in_app": item["in_app"], "email": item["email"]},
                )
        return Response(_preferences(request.user))
