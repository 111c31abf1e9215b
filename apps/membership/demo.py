"""Demo enterprises across the demo clusters (loaded by ``manage.py load_demo``; idempotent).

About sixty believable enterprises with valid credit codes, real cities, capabilities and
certifications; a few pending applications, a suspended member and open reports so an
administrator has work on first login.
"""

import datetime
import random

from django.utils import timezone

from apps.accounts.services import user_ensure_verified
from apps.reference.models import CertificationScheme, IndustryCode, Region
from apps.tenancy.demo import DEMO_PASSWORD
from apps.tenancy.models import Cluster, ClusterRole

from .audit import audit_record
from .credit_codes import make_credit_code
from .models import Enterprise, EnterpriseCertification, EnterpriseMember, Membership, Report

BRANDS = [
    ("华纺", "Huafang"),
    ("锦绣", "Jinxiu"),
    ("恒达", "Hengda"),
    ("新澳", "Xin'ao"),
    ("永通", "Yongtong"),
    ("天虹", "Tianhong"),
    ("金达", "Jinda"),
    ("宏源", "Hongyuan"),
    ("精工", "Jinggong"),
    ("拓普", "Tuopu"),
    ("德赛", "Desai"),
    ("瑞丰", "Ruifeng"),
    ("盛泰", "Shengtai"),
    ("联创", "Lianchuang"),
    ("中科", "Zhongke"),
    ("博远", "Boyuan"),
    ("海星", "Haixing"),
    ("东升", "Dongsheng"),
    ("美嘉", "Meijia"),
    ("汇川", "Huichuan"),
    ("卓越", "Zhuoyue"),
    ("同力", "Tongli"),
    ("鸿图", "Hongtu"),
    ("长青", "Changqing"),
    ("明辉", "Minghui"),
]

# slug: (cities, [(trade zh, trade en, capabilities, industry division, certification schemes)], count)
LANDSCAPE = {
    "yangtze-textile": (
        ["330600", "320500", "330500", "330400", "330200", "330100", "320600", "320200"],
        [
            ("纺织", "Textiles", ["spinning", "weaving"], "17", ["iso9001", "oeko-tex-100"]),
            ("印染", "Dyeing & Printing", ["dyeing-finishing", "textile-printing"], "17", ["iso14001", "oeko-tex-100"]),
            ("针织", "Knitwear", ["knitting", "garment-sewing"], "18", ["amfori-bsci", "iso9001"]),
            ("服饰", "Apparel", ["garment-cutting", "garment-sewing", "embroidery"], "18", ["amfori-bsci", "grs"]),
            ("包装", "Packaging", ["corrugated-packaging", "label-printing"], "22", ["fsc"]),
        ],
        25,
    ),
    "pearl-river-electronics": (
        ["440300", "441900", "441300", "440600", "442000", "440100"],
        [
            ("电子", "Electronics", ["smt-assembly", "electronic-box-build"], "39", ["iso9001", "rohs", "ul"]),
            ("电路", "Circuits", ["pcb-fabrication", "smt-assembly"], "39", ["iatf16949", "iso14001"]),
            ("模具塑胶", "Moulds & Plastics", ["mould-making", "injection-moulding"], "29", ["iso9001", "iatf16949"]),
            (
                "精密五金",
                "Precision Metal",
                ["cnc-machining", "stamping", "die-casting"],
                "33",
                ["iso9001", "iso45001"],
            ),
            ("线束", "Wire Harness", ["wire-harness-assembly", "final-assembly"], "38", ["iatf16949", "ccc"]),
        ],
        22,
    ),
    "chengdu-digital-hybrid": (
        ["510100", "500000", "510700", "510600", "610100", "520100"],
        [
            ("智能装备", "Smart Equipment", ["cnc-machining", "final-assembly"], "34", ["iso9001"]),
            ("工业设计", "Industrial Design", ["industrial-design", "product-engineering"], "74", ["iso27001"]),
            ("电子科技", "Electronic Technology", ["firmware-programming-testing", "smt-assembly"], "39", ["iso9001"]),
            ("供应链", "Supply Chain", ["warehousing", "freight-forwarding"], "59", ["iso9001"]),
        ],
        13,
    ),
}

SIZE_BANDS = [
    Enterprise.SizeBand.SMALL,
    Enterprise.SizeBand.MEDIUM,
    Enterprise.SizeBand.SMALL,
    Enterprise.SizeBand.MICRO,
]


def _schemes() -> set[str]:
    return set(CertificationScheme.objects.values_list("code", flat=True))


def load(stdout=None) -> list[tuple[str, str, str]]:
    rng = random.Random(2026)
    regions = {r.code: r for r in Region.objects.all()}
    schemes = _schemes()
    divisions = dict(IndustryCode.objects.filter(level="division").values_list("code", "parent_id"))
    today = timezone.localdate()
    logins = []
    serial = 0
    for slug, (cities, trades, count) in LANDSCAPE.items():
        cluster = Cluster.objects.get(slug=slug)
        admin = ClusterRole.objects.filter(cluster=cluster, role=ClusterRole.Role.ADMINISTRATOR).first().user
        members = []
        for index in range(count):
            serial += 1
            region = regions[cities[index % len(cities)]]
            brand_zh, brand_en = BRANDS[(index * 7 + len(slug)) % len(BRANDS)]
            trade_zh, trade_en, capabilities, division, certs = trades[index % len(trades)]
            code = make_credit_code(region.code, 710000 + serial)
            owner_email = f"owner{serial:02d}@demo.cluster.local"
            owner = user_ensure_verified(
                email=owner_email, password=DEMO_PASSWORD, name=f"{brand_zh}{trade_zh} · {brand_en}"
            )
            enterprise, created = Enterprise.objects.update_or_create(
                credit_code=code,
                defaults={
                    "legal_name_zh": f"{region.name_zh.removesuffix('市')}{brand_zh}{trade_zh}有限公司",
                    "legal_name_en": f"{region.name_en} {brand_en} {trade_en} Co., Ltd.",
                    "region_code": region.code,
                    "region_name": region.name_zh,
                    "latitude": region.latitude,
                    "longitude": region.longitude,
                    "size_band": SIZE_BANDS[index % len(SIZE_BANDS)],
                    "description": f"{trade_en} for brands and manufacturers across the cluster.",
                    "verified": index % 3 != 2,
                    "created_by": owner,
                },
            )
            if created:
                enterprise.capabilities.set(capabilities)
                enterprise.industry_codes.set([divisions[division], division])
                for n, scheme in enumerate(c for c in certs if c in schemes):
                    EnterpriseCertification.objects.create(
                        enterprise=enterprise,
                        scheme_id=scheme,
                        number=f"{scheme.upper()}-{code[-6:]}-{n}",
                        issuer="China Quality Certification Centre",
                        valid_until=today + datetime.timedelta(days=rng.randint(30, 900)),
                    )
            EnterpriseMember.objects.get_or_create(
                enterprise=enterprise, user=owner, defaults={"role": EnterpriseMember.Role.OWNER}
            )
            pending = index >= count - 3
            suspended = slug == "yangtze-textile" and index == 4
            status = (
                Membership.Status.PENDING
                if pending
                else Membership.Status.SUSPENDED
                if suspended
                else Membership.Status.ACTIVE
            )
            membership, created = Membership.objects.get_or_create(
                cluster=cluster,
                enterprise=enterprise,
                defaults={
                    "status": status,
                    "note": "我们希望加入集群，共享订单和产能。" if pending else "",
                    "applied_by": owner,
                    "decided_by": None if pending else admin,
                    "decided_at": None if pending else timezone.now(),
                    "joined_at": None if pending else timezone.now(),
                    "reason": "Late deliveries under review" if suspended else "",
                },
            )
            if created:
                audit_record(
                    cluster=cluster,
                    actor=owner,
                    action="membership.apply",
                    enterprise=enterprise,
                    membership=membership,
                    after={"status": "pending"},
                )
                if not pending:
                    audit_record(
                        cluster=cluster,
                        actor=admin,
                        action="membership.approve",
                        enterprise=enterprise,
                        membership=membership,
                        before={"status": "pending"},
                        after={"status": "active"},
                    )
                if suspended:
                    audit_record(
                        cluster=cluster,
                        actor=admin,
                        action="membership.suspend",
                        enterprise=enterprise,
                        membership=membership,
                        reason=membership.reason,
                        before={"status": "active"},
                        after={"status": "suspended"},
                    )
            if status == Membership.Status.ACTIVE:
                members.append((enterprise, owner))
            if index == 0:
                logins.append((owner_email, DEMO_PASSWORD, f"owner of {enterprise.legal_name_en} (member of {slug})"))
            if pending and index == count - 1:
                logins.append((owner_email, DEMO_PASSWORD, f"owner of an enterprise applying to {slug}"))
        # an open report so the administrator has something to look at
        (reporter, reporter_owner), (subject, _owner) = members[1], members[2]
        Report.objects.get_or_create(
            cluster=cluster,
            reporter=reporter,
            subject=subject,
            category=Report.Category.DELIVERY,
            defaults={
                "text": "两批货物延期交付超过一周，且未提前沟通。Two batches were delivered over a week late without notice.",
                "reported_by_user": reporter_owner,
            },
        )
    return logins
