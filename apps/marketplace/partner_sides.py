"""The two sides of a cross-cluster match or deal (``Match``, ``Deal``): a row of one cluster
(``cluster``, the demand side's) that is its partner cluster's too, with the partnership in force
that allowed it. A deal keeps it after the partnership ends: it finishes under the terms it began with."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.tenancy.models import Cluster

#: the listing kind each listing model is shared as (``partnerships.models.LISTING_KINDS``)
PARTNER_KINDS = {"order": "order", "capacityoffer": "capacity", "channeloffer": "channel_offer"}
PARTNER_KINDS["channelrequest"] = "channel_request"


class PartnerSides(models.Model):
    partner_cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("partner cluster")
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
