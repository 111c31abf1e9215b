"""The deal room's page: the conversation of a match (and its deal), linked from both."""

import re

import pytest
from django.test import Client

from apps.dealroom.models import Message


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_side_reads_the_conversation_with_each_message_s_language_and_it_is_marked_read(room):
    room.api(room.buyer_owner).post(room.messages_url(), {"body": "Delivery by the 20th?"}, format="json")
    room.api(room.supplier_owner).post(room.messages_url(), {"body": "可以。"}, format="json")
    page = browser(room.supplier_owner).get(room.page_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Delivery by the 20th?" in html and "可以。" in html
    assert 'lang="zh-hans"' in html and "English" in html
    assert 'data-stream-url="/clusters/' in html and "js/conversation.js" in html
    assert "<script>" not in html  # the site's CSP: no inline script
    read = room.api(room.supplier_owner).post(room.messages_url() + "read/", {}, format="json").json()
    assert read["unread"] == 0


def test_the_form_posts_without_javascript_and_names_a_bad_body(room):
    client = browser(room.buyer_owner)
    sent = client.post(room.page_url(), {"body": "Sample shipped today.", "language": "en"})
    assert sent.status_code == 302
    message = Message.objects.get()
    assert sent["Location"].endswith(f"#message-{message.pk}") and message.body == "Sample shipped today."
    refused = client.post(room.page_url(), {"body": "  ", "language": "en"})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert re.search(r'data-testid="message-error" >\s*This field is required\.', html), html[-3000:]
    assert Message.objects.count() == 1


@pytest.mark.parametrize("who", ["bystander", "foreign_member", "admin"])
def test_the_page_is_a_404_to_anyone_no_party_to_the_match(room, who):
    client = browser(getattr(room, who))
    assert client.get(room.page_url()).status_code == 404
    assert client.post(room.page_url(), {"body": "x", "language": "en"}).status_code == 404
    assert not Message.objects.exists()


def test_the_administrators_open_it_during_a_dispute(room):
    deal = room.accepted_with_deal(status="disputed")
    page = browser(room.admin).get(room.page_url(deal.match))
    assert page.status_code == 200 and 'data-testid="admins-present"' in page.content.decode()


def test_the_match_and_deal_pages_link_to_the_room(room):
    deal = room.accepted_with_deal()
    client = browser(room.buyer_owner)
    matches = client.get(f"/clusters/{room.cluster.slug}/matches/?status=all").content.decode()
    assert re.search(rf'href="/clusters/{room.cluster.slug}/matches/{room.match.pk}/room/"', matches)
    deal_page = client.get(f"/clusters/{room.cluster.slug}/deals/{deal.pk}/").content.decode()
    assert f'href="/clusters/{room.cluster.slug}/matches/{deal.match_id}/room/"' in deal_page


def test_the_page_fits_a_phone(room):
    html = browser(room.buyer_owner).get(room.page_url()).content.decode()
    assert 'name="viewport"' in html and 'class="chat-form"' in html
