from drf_spectacular.utils import extend_schema
from rest_framework import generics

from apps.core.api.schema import ErrorSerializer

from .serializers import MeSerializer


@extend_schema(responses={200: MeSerializer, 400: ErrorSerializer, 401: ErrorSerializer})
class MeView(generics.RetrieveUpdateAPIView):
    """The signed-in user, their verification state and their roles in every cluster.

    PATCH changes the display name and preferred language.
    """

    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user
