"""Public, read-only reference lists, paginated like every list of the API."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import permissions, serializers, viewsets

from . import selectors
from .filters import CapabilityFilter, IndustryCodeFilter, RegionFilter
from .models import Capability, CertificationScheme, IndustryCode, Region


class BilingualSerializer(serializers.ModelSerializer):
    """Both scripts of the name, and ``name``: the one of the request's language."""

    name = serializers.CharField(read_only=True, help_text="The name in the request's language (Accept-Language).")


class CapabilitySerializer(BilingualSerializer):
    industry_divisions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Capability
        fields = ("code", "category", "name", "name_zh", "name_en", "unit", "industry_divisions")


class IndustryCodeSerializer(BilingualSerializer):
    class Meta:
        model = IndustryCode
        fields = ("code", "level", "parent", "name", "name_zh", "name_en")


class CertificationSchemeSerializer(BilingualSerializer):
    label = serializers.CharField(read_only=True, help_text="The short label in the request's language.")

    class Meta:
        model = CertificationScheme
        fields = ("code", "label", "label_zh", "label_en", "name", "name_zh", "name_en", "issuer_hint")


class RegionSerializer(BilingualSerializer):
    province = serializers.CharField(read_only=True, help_text="The province in the request's language.")

    class Meta:
        model = Region
        fields = (
            "code",
            "name",
            "name_zh",
            "name_en",
            "province",
            "province_zh",
            "province_en",
            "latitude",
            "longitude",
        )


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
    filterset_class = RegionFilter
