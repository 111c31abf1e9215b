"""Every table of the pages reads on a phone: a ``data-table`` (on a narrow screen each row becomes
a card and each cell says its column through ``data-label``, static/css/app.css), or a table
that scrolls in its own wrapper (the parks calendar). A table of neither kind overflows the
screen, which is how the deal room's tables were found."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
#: tables that scroll sideways inside a wrapper, by design
SCROLLING = {"park-calendar"}


def tables():
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for match in re.finditer(r"<table\b([^>]*)>(.*?)</table>", text, re.S):
            yield path.relative_to(TEMPLATES), match.group(1), match.group(2)


def test_every_table_is_a_data_table_whose_cells_name_their_column():
    found, wrong = 0, []
    for path, attributes, body in tables():
        found += 1
        classes = set(re.search(r'class="([^"]*)"', attributes).group(1).split()) if "class=" in attributes else set()
        if classes & SCROLLING:
            continue
        if "data-table" not in classes:
            wrong.append(f"{path}: a table that is no data-table")
            continue
        unlabelled = re.findall(r"<td(?![^>]*data-label)(?![^>]*colspan)[^>]*>", body)
        if unlabelled:
            wrong.append(f"{path}: {len(unlabelled)} cells without data-label")
    assert found > 10
    assert not wrong, "\n".join(wrong)
