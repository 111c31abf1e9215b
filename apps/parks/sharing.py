"""What a partner cluster sees of a park: the resources bookable by partners, while a partnership in
force between the two covers resources (``terms.resources_bookable``). Nothing else of the park.

PostgreSQL says it with the ``partner_bookable`` policy on ``parks_resource`` (migration
``0004_partner_bookings``); on SQLite the default manager says the same (``PartnerBookableManager``),
as ``apps.tenancy.scoping.PartnerSharedManager`` does for shared listings.
"""

from django.db import models

from apps.tenancy import scoping
from apps.tenancy.rls import enforced

PARTNERS = "members_and_partners"
#: the partnership term that opens resources (``apps.partnerships.selectors.RESOURCES``)
RESOURCES = "resources"


def partner_bookable() -> models.Q:
    return models.Q(bookable_by=PARTNERS, active=True)


class PartnerBookableManager(scoping.TenantManager):
    """In a cluster's scope: its own resources, and its partners' partner-bookable active ones."""

    def get_queryset(self):
        queryset = models.Manager.get_queryset(self)
        cluster_id = scoping.current_cluster_id()
        if cluster_id is None or enforced(self._db_connection()):
            return queryset
        own = models.Q(cluster_id=cluster_id)
        partners = scoping._partners(cluster_id, RESOURCES)
        if not partners:
            return queryset.filter(own)
        return queryset.filter(own | (partner_bookable() & models.Q(cluster_id__in=sorted(partners))))


def partner_bookable_predicate() -> str:
    """The policy's predicate: a resource bookable by partners, of a cluster partnered in force today
    with the one in ``app.cluster_id`` under terms that open resources; or one its members booked across
    (so that their bookings still show what they booked; the partner view lists only the former)."""
    from apps.partnerships.rls import CURRENT, local_today

    today = local_today()  # the partnership's days are the platform's local days, not the session's (UTC)
    return (
        # what the cluster's members booked across stays readable with their bookings, after the partnership too
        f"id IN (SELECT b.resource_id FROM parks_booking b WHERE b.partner_cluster_id = {CURRENT}) OR ("
        f"bookable_by = '{PARTNERS}' AND active AND cluster_id IN ("
        f" SELECT CASE WHEN p.proposer_id = {CURRENT} THEN p.partner_id ELSE p.proposer_id END"
        " FROM partnerships_partnership p"
        f" WHERE {CURRENT} IN (p.proposer_id, p.partner_id) AND p.status = 'in_force'"
        f" AND p.starts_on <= {today} AND {today} <= p.ends_on AND p.resources_bookable))"
    )
