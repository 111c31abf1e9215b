"""Demo data of the deal room (run by ``manage.py load_demo`` after the marketplace's and the
matching's): a short conversation in the first deal of each demo cluster, in both languages.
Idempotent: a deal whose match already has a conversation is left as it is."""

from apps.marketplace.demo import DEMO_CLUSTERS
from apps.marketplace.models import Deal
from apps.membership.models import EnterpriseMember
from apps.tenancy.models import Cluster
from apps.tenancy.selectors import MEMBER

from .models import Conversation
from .services.conversation import message_post

# --- conversation ---------------------------------------------------------------------------

LINES = [
    ("buyer", "en", "Could you send photos of the first lot before it ships?"),
    ("supplier", "zh-hans", "好的，质检完成后我们会上传照片和检验报告。"),
    ("buyer", "en", "Thank you. Please pack in rolls of 100 m."),
]


def _person(enterprise):
    person = EnterpriseMember.objects.filter(enterprise=enterprise).select_related("user").order_by("pk").first()
    return person.user if person else None


def load(stdout=None) -> list[tuple[str, str, str]]:
    for cluster in Cluster.objects.filter(slug__in=DEMO_CLUSTERS):
        deal = Deal.objects.filter(cluster=cluster).select_related("buyer", "supplier").order_by("pk").first()
        if deal is None or Conversation.objects.filter(match_id=deal.match_id).exists():
            continue
        people = {"buyer": _person(deal.buyer), "supplier": _person(deal.supplier)}
        if None in people.values():
            continue
        for side, language, body in LINES:
            message_post(
                actor=people[side],
                cluster=cluster,
                roles=frozenset({MEMBER}),
                match_id=deal.match_id,
                body=body,
                language=language,
            )
    return []
