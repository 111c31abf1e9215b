"""Demo clusters and their administrators (loaded by ``manage.py load_demo``)."""

from apps.accounts.services import user_ensure_verified

from .models import Cluster, ClusterRole

DEMO_PASSWORD = "cluster-demo-2026"

CLUSTERS = [
    {
        "slug": "yangtze-textile",
        "name_zh": "长三角纺织服装虚拟产业集群",
        "name_en": "Yangtze Delta Textile & Apparel Cluster",
        "kind": Cluster.Kind.VIRTUAL,
        "industry_focus": "Textiles, garments, dyeing and printing",
        "industry_focus_zh": "纺织、服装、印染",
        "region": "Yangtze River Delta (Shaoxing, Suzhou, Huzhou, Ningbo)",
        "region_zh": "长三角（绍兴、苏州、湖州、宁波）",
        "description": (
            "Weavers, dye houses, garment makers and brand studios across Zhejiang and Jiangsu "
            "share small-batch orders and idle sewing capacity.\n"
            "浙江、江苏的织造、印染、成衣企业与品牌工作室在此共享小单快反订单和闲置缝制产能。"
        ),
        "admin": ("admin.textile@cluster.local", "Chen Jing 陈静"),
    },
    {
        "slug": "pearl-river-electronics",
        "name_zh": "珠三角电子信息制造产业园",
        "name_en": "Pearl River Electronics Manufacturing Park",
        "kind": Cluster.Kind.PHYSICAL,
        "industry_focus": "PCB assembly, injection moulding, consumer electronics",
        "industry_focus_zh": "电子组装、注塑、消费电子",
        "region": "Pearl River Delta (Shenzhen, Dongguan, Huizhou)",
        "region_zh": "珠三角（深圳、东莞、惠州）",
        "description": (
            "SMT lines, mould makers and contract manufacturers of the Shenzhen–Dongguan corridor.\n"
            "深莞惠走廊的SMT贴片、模具与代工企业。"
        ),
        "admin": ("admin.electronics@cluster.local", "Liang Wei 梁伟"),
    },
    {
        "slug": "chengdu-digital-hybrid",
        "name_zh": "成渝数字经济融合园区",
        "name_en": "Chengdu–Chongqing Digital Economy Hybrid Park",
        "kind": Cluster.Kind.HYBRID,
        "industry_focus": "Industrial software, smart equipment, cross-border e-commerce",
        "industry_focus_zh": "工业软件、智能装备、跨境电商",
        "region": "Chengdu–Chongqing economic circle",
        "region_zh": "成渝地区双城经济圈",
        "description": (
            "A physical incubator in Chengdu with virtual members across western China.\n"
            "以成都实体园区为核心、连接西部各地虚拟入驻企业的融合园区。"
        ),
        "admin": ("admin.digital@cluster.local", "Zhang Min 张敏"),
    },
]

STAFF = ("staff@cluster.local", "Platform Staff 平台运营")


def load(stdout=None) -> list[tuple[str, str, str]]:
    """Create or update the demo clusters; returns (email, password, what) for each login."""
    logins = []
    staff = user_ensure_verified(email=STAFF[0], password=DEMO_PASSWORD, name=STAFF[1], is_staff=True)
    logins.append((STAFF[0], DEMO_PASSWORD, "platform staff (Django admin at /admin/)"))
    for spec in CLUSTERS:
        spec = dict(spec)
        admin_email, admin_name = spec.pop("admin")
        cluster, _created = Cluster.objects.update_or_create(slug=spec.pop("slug"), defaults=spec)
        admin = user_ensure_verified(email=admin_email, password=DEMO_PASSWORD, name=admin_name)
        ClusterRole.objects.get_or_create(
            cluster=cluster, user=admin, role=ClusterRole.Role.ADMINISTRATOR, defaults={"appointed_by": staff}
        )
        logins.append((admin_email, DEMO_PASSWORD, f"administrator of {cluster.slug}"))
    return logins
