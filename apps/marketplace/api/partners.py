"""``/api/v1/clusters/{own-slug}/partner-listings/``: the partner view. A member of a cluster reads
the listings its partners' members opened to partner clusters (``selectors.partner_listings``),
while a partnership in force shares their kind; nothing else of the other cluster."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from apps.core.api.fields import DateTimeField
from apps.core.api.schema import ErrorSerializer
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import ADMINISTRATOR, MEMBER

from .. import selectors
from ..models import Order

ERRORS = {401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class PartnerListingSerializer(serializers.Serializer):
    kind = serializers.CharField(source="listing_kind")
    id = serializers.IntegerField()
    cluster = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField()
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    created_at = DateTimeField()

    def get_cluster(self, row) -> dict:
        return {
            "id": row["cluster_id"],
            "slug": row["cluster__slug"],
            "name_en": row["cluster__name_en"],
            "name_zh": row["cluster__name_zh"],
        }

    def get_owner(self, row) -> dict:
        return {
            "id": row["owner_id"],
            "legal_name_en": row["owner__legal_name_en"],
            "legal_name_zh": row["owner__legal_name_zh"],
        }


@extend_schema_view(
    list=extend_schema(
        summary="The partner view: listings partner clusters opened to this cluster (members)",
        responses={200: PartnerListingSerializer(many=True), **ERRORS},
    )
)
class PartnerListingViewSet(mixins.ListModelMixin, ClusterScopedViewSet):
    serializer_class = PartnerListingSerializer
    queryset = Order.objects.all()  # for the schema only; the answer is a union over the kinds
    filter_backends = []
    required_roles = {"list": {ADMINISTRATOR, MEMBER}}

    def scoped_queryset(self, *, cluster, user):
        return selectors.partner_listings(cluster=cluster)
