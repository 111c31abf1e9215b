"""Experts and institutions: ``/api/v1/clusters/{slug}/experts/`` (the cluster's participants read
them; ``POST`` saves the caller's own profile)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from .. import selectors
from ..filters import ExpertFilter
from ..models import ExpertProfile
from ..services.experts import expert_profile_save
from . import serializers as s
from .challenges import ERRORS, PARTICIPANTS, InnovationViewSet

# --- experts ---


class ExpertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, InnovationViewSet):
    serializer_class = s.ExpertSerializer
    queryset = ExpertProfile.objects.all()
    filterset_class = ExpertFilter
    #: a participant of the cluster saves their own profile (people outside it get theirs from the administrators)
    required_roles = {"*": PARTICIPANTS}

    def scoped_queryset(self, *, cluster, user):
        return selectors.experts_of(cluster)

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @extend_schema(
        summary="Save the caller's own expert profile",
        request=s.ExpertSerializer,
        responses={201: s.ExpertSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        serializer = s.ExpertSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = expert_profile_save(actor=request.user, cluster=self.cluster, **serializer.validated_data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=profile.pk)).data, status=status.HTTP_201_CREATED
        )
