"""A library entry's body, "markdown-ish" text rendered safely: everything is escaped first, then
headings (``#``), bullet lists (``-`` / ``*``), paragraphs (blank lines) and ``**bold**`` are made
into HTML. No link, image or raw HTML is ever produced."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", escape(text))


def render_markup(text: str) -> SafeString:
    html, items = [], []

    def close_list():
        if items:
            html.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
            items.clear()

    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.rstrip() for line in block.splitlines() if line.strip()]
        paragraph = []
        for line in lines:
            stripped = line.lstrip()
            heading = re.match(r"(#{1,3})\s+(.*)", stripped)
            if heading:
                close_list()
                level = len(heading.group(1)) + 2  # h3..h5 inside the page
                html.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            elif re.match(r"[-*]\s+", stripped):
                items.append(_inline(stripped[2:].strip()))
            else:
                close_list()
                paragraph.append(_inline(stripped))
        close_list()
        if paragraph:
            html.append("<p>" + "<br>".join(paragraph) + "</p>")
    return mark_safe("\n".join(html))
