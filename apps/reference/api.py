"""Public, read-only reference lists (small: not paginated)."""

from rest_framework import permissions, serializers, viewsets

from .models import Capability, CertificationScheme, IndustryCode, Region


class CapabilitySerializer(serializers.ModelSerializer):
    industry_divisions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Capability
        fields = ("code", "category", "name_zh", "name_en", "unit", "industry_divisions")


class IndustryCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndustryCode
        fields = ("code", "level", "parent", "name_zh", "name_en")


class CertificationSchemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CertificationScheme
        fields = ("code", "label", "name_zh", "name_en", "issuer_hint")


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ("code", "name_zh", "name_en", "province_zh", "province_en", "latitude", "longitude")


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends = []


class CapabilityViewSet(ReferenceViewSet):
    """The shared process taxonomy."""

    queryset = Capability.objects.prefetch_related("industry_divisions").order_by("category", "code")
    serializer_class = CapabilitySerializer


class IndustryCodeViewSet(ReferenceViewSet):
    """GB/T 4754-2017 sections and divisions."""

    queryset = IndustryCode.objects.order_by("code")
    serializer_class = IndustryCodeSerializer


class CertificationSchemeViewSet(ReferenceViewSet):
    queryset = CertificationScheme.objects.order_by("code")
    serializer_class = CertificationSchemeSerializer


class RegionViewSet(ReferenceViewSet):
    """Cities (GB/T 2260 codes) with their centres."""

    queryset = Region.objects.order_by("code")
    serializer_class = RegionSerializer
