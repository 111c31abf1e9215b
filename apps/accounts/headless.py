"""Routes of allauth's headless API that this platform does not offer.

allauth 65 mounts its phone-number endpoints whatever the login methods are; with no phone
adapter they answer 500 (``ManagePhoneView`` reads the user before it is set). The platform
signs people in by e-mail only, so those routes answer 404 in allauth's own error format.
"""

from django.http import JsonResponse
from django.urls import re_path
from django.utils.translation import gettext as _


def not_offered(request, *args, **kwargs):
    return JsonResponse(
        {
            "status": 404,
            "errors": [{"code": "not_found", "message": _("Phone numbers are not used on this platform.")}],
        },
        status=404,
    )


urlpatterns = [
    re_path(r"^(?:app|browser)/v1/(?:account/phone|auth/phone/verify(?:/resend)?)/?$", not_offered),
]
