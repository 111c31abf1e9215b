"""A benchmark-sized cluster in the database (orders and capacity from benchmarks/matching.py).

Used by benchmarks/replan.py and by the worker-fault test; needs Django set up.
"""

from django.db import connection, transaction
from django.utils import timezone

from apps.marketplace.models import CapacityOffer, Order
from apps.membership.credit_codes import make_credit_code
from apps.membership.models import Enterprise, EnterpriseCertification, Membership
from apps.tenancy.models import Cluster
from benchmarks.matching import generate


def build(n: int, *, seed: int = 2026) -> Cluster:
    slug = f"bench-replan-{n}"
    cluster = Cluster.objects.filter(slug=slug).first()
    if cluster and Order.objects.filter(cluster=cluster).count() == n:
        return cluster
    demands, supplies, _rules = generate(n, n, seed)
    shift = timezone.localdate() - _rules.today
    with transaction.atomic():
        cluster, _ = Cluster.objects.update_or_create(
            slug=slug,
            defaults={
                "name_zh": f"基准集群 {n}",
                "name_en": f"Benchmark cluster {n}",
                "industry_focus": "all",
                "region": "China",
            },
        )
        Order.objects.filter(cluster=cluster).delete()
        CapacityOffer.objects.filter(cluster=cluster).delete()
        owners = sorted({d.owner for d in demands} | {s.owner for s in supplies})
        existing = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__startswith="91999")}
        enterprises = {}
        new = []
        for owner in owners:
            code = make_credit_code("999999", 900000 + n * 10 + owner)
            if code in existing:
                enterprises[owner] = existing[code]
            else:
                e = Enterprise(
                    legal_name_zh=f"基准企业{owner}",
                    credit_code=code,
                    region_code="330600",
                    region_name="绍兴市",
                    latitude=30,
                    longitude=120.5,
                )
                new.append((owner, e))
        Enterprise.objects.bulk_create([e for _, e in new], batch_size=2000)
        enterprises.update(dict(new))
        Membership.objects.filter(cluster=cluster).delete()
        Membership.objects.bulk_create(
            [Membership(cluster=cluster, enterprise=e, status="active") for e in enterprises.values()], batch_size=2000
        )
        certs = {s.owner: s.certifications for s in supplies}
        EnterpriseCertification.objects.filter(enterprise__in=enterprises.values()).delete()
        EnterpriseCertification.objects.bulk_create(
            [
                EnterpriseCertification(
                    enterprise=enterprises[o],
                    scheme_id=code,
                    number=f"B-{o}-{code}",
                    issuer="bench",
                    valid_until=timezone.localdate().replace(year=2030),
                )
                for o, codes in certs.items()
                for code in codes
            ],
            batch_size=5000,
        )
        orders = Order.objects.bulk_create(
            [
                Order(
                    cluster=cluster,
                    owner=enterprises[d.owner],
                    title=f"bench {d.id}",
                    status="open",
                    capability_id=d.capability,
                    product_category="bench",
                    quantity=d.quantity,
                    unit="pcs",
                    target_unit_price=round(d.unit_price, 2),
                    currency="CNY",
                    need_by=d.need_by + shift,
                    delivery_region_code=d.region,
                    delivery_latitude=round(d.latitude, 5),
                    delivery_longitude=round(d.longitude, 5),
                    splittable=d.splittable,
                    min_lot=d.min_lot,
                )
                for d in demands
            ],
            batch_size=2000,
        )
        through = Order.required_certifications.through
        through.objects.bulk_create(
            [
                through(order_id=o.pk, certificationscheme_id=c)
                for o, d in zip(orders, demands, strict=True)
                for c in d.required_certifications
            ],
            batch_size=5000,
        )
        CapacityOffer.objects.bulk_create(
            [
                CapacityOffer(
                    cluster=cluster,
                    owner=enterprises[s.owner],
                    title=f"bench {s.id}",
                    status="open",
                    capability_id=s.capability,
                    quantity_per_period=s.quantity,
                    unit="pcs",
                    available_from=s.available_from + shift,
                    available_until=s.available_until + shift,
                    total_quantity=s.quantity,
                    unit_price=round(s.unit_price, 2),
                    currency="CNY",
                    min_order_quantity=s.min_order_quantity,
                    lead_time_days=s.lead_time_days,
                    region_code=s.region,
                    latitude=round(s.latitude, 5),
                    longitude=round(s.longitude, 5),
                )
                for s in supplies
            ],
            batch_size=2000,
        )
    if connection.vendor == "postgresql":  # the planner's statistics see the new rows (as autovacuum would, later)
        with connection.cursor() as cursor:
            for model in (Order, CapacityOffer, Membership, EnterpriseCertification):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return cluster


def order_like(template) -> dict:
    """The fields of a new order of the benchmark cluster shaped as ``template`` (an Order): what the
    warm-path and burst benchmarks post, so that each new order meets the same capacity."""
    return {
        "capability_id": template.capability_id,
        "product_category": "bench",
        "quantity": template.quantity,
        "unit": "pcs",
        "target_unit_price": template.target_unit_price,
        "currency": template.currency,
        "need_by": template.need_by,
        "delivery_region_code": template.delivery_region_code,
        "delivery_latitude": template.delivery_latitude,
        "delivery_longitude": template.delivery_longitude,
        "splittable": template.splittable,
        "min_lot": template.min_lot,
    }
