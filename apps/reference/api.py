"""Public, read-only reference lists, paginated like every list of the API."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import permissions, serializers, viewsets

from . import selectors
from .filters import CapabilityFilter, IndustryCodeFilter
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
    """A reference list: public, paginated like every list, filtered only by its declared FilterSet."""

    permission_classes = [permissions.AllowAny]
    filter_backends = [DjangoFilterBackend]


class CapabilityViewSet(ReferenceViewSet):
    """The shared process taxonomy."""

    queryset = selectors.capabilities()
    serializer_class = CapabilitySerializer
    filterset_class = CapabilityFilter


class IndustryCodeViewSet(ReferenceViewSet):
    """GB/T 4754-2017 sections and divisions."""

    queryset = selectors.industry_codes()
    serializer_class = IndustryCodeSerializer
    filterset_class = IndustryCodeFilter


class CertificationSchemeViewSet(ReferenceViewSet):
    queryset = selectors.certification_schemes()
    serializer_class = CertificationSchemeSerializer


class RegionViewSet(ReferenceViewSet):
    """Cities (GB/T 2260 codes) with their centres."""

    queryset = selectors.regions()
    serializer_class = RegionSerializer
