"""The Simplified Chinese catalogue is complete, compiled, and actually served.

The .po file is read with a small parser of our own (standard library only), so the test
needs neither polib nor gettext's command-line tools: it runs on a fresh machine too.
Refresh the catalogue with ``make messages`` when it fails.
"""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

ZH_ACCEPT = "zh-CN,zh;q=0.9"
EN_ACCEPT = "en-US,en;q=0.9"


# --- a tiny .po parser -------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    def label(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"line {self.line}: {self.msgid!r}{context}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")\s*$')


def _unquote(token: str, where: str) -> str:
    token = token.strip()
    if len(token) < 2 or not (token.startswith('"') and token.endswith('"')):
        raise ValueError(f"{where}: not a quoted string: {token!r}")
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def parse_po(path: Path) -> list[Entry]:
    """Return the entries of a .po file (obsolete ``#~`` entries are skipped)."""
    entries: list[Entry] = []
    current: Entry | None = None
    pending_flags: set[str] = set()
    target: tuple[str, int | None] | None = None

    def finish():
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if current is not None and current.msgstr:
                finish()
            pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            if current is not None and current.msgstr:
                finish()
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, token = match.groups()
            value = _unquote(token, where)
            if keyword in ("msgctxt", "msgid") and (current is None or current.msgstr):
                finish()
            if current is None:
                current = Entry(line=number, flags=pending_flags)
                pending_flags = set()
            if keyword == "msgstr":
                slot = int(index) if index is not None else 0
                current.msgstr[slot] = value
                target = ("msgstr", slot)
            else:
                setattr(current, keyword, value)
                target = (keyword, None)
            continue
        if line.startswith('"') and current is not None and target is not None:
            value = _unquote(line, where)
            keyword, slot = target
            if keyword == "msgstr":
                current.msgstr[slot] += value
            else:
                setattr(current, keyword, getattr(current, keyword) + value)
            continue
        raise ValueError(f"{where}: cannot parse {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    assert PO_PATH.exists(), f"{PO_PATH} is missing: run `make messages`"
    return parse_po(PO_PATH)


@pytest.fixture(scope="module")
def messages(po_entries) -> list[Entry]:
    return [entry for entry in po_entries if not entry.is_header]


@pytest.fixture(autouse=True)
def _restore_active_language():
    """LocaleMiddleware activates a language per request; don't leak Chinese into other tests."""
    before = translation.get_language()
    yield
    if before:
        translation.activate(before)
    else:
        translation.deactivate()


# --- (a) the catalogue is complete ---------------------------------------------------------


def test_catalogue_has_messages(messages):
    assert len(messages) > 20, "the zh_Hans catalogue is suspiciously small: run `make messages`"


def test_every_entry_is_translated_and_none_is_fuzzy(messages):
    problems = [
        f"{entry.label()} — {'fuzzy' if entry.fuzzy else 'empty msgstr'}"
        for entry in messages
        if entry.fuzzy or not entry.translated
    ]
    assert not problems, f"{len(problems)} zh_Hans entries need work:\n" + "\n".join(problems)


def test_header_declares_chinese_utf8_and_one_plural_form(po_entries):
    headers = [entry for entry in po_entries if entry.is_header]
    assert len(headers) == 1, "the .po file must have exactly one header entry"
    header = headers[0]
    assert not header.fuzzy, "the header is still flagged fuzzy"
    fields = dict(line.split(":", 1) for line in header.msgstr[0].splitlines() if ":" in line)
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    assert fields.get("Language") == "zh_Hans"
    assert "charset=UTF-8" in fields.get("Content-Type", "")
    assert fields.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert fields.get("Project-Id-Version", "").startswith("Cluster Platform")


_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[sdifr%]")
_BRACE = re.compile(r"\{[^{}]*\}")


def _placeholders(text: str, entry: Entry) -> list[str]:
    found = []
    if "python-format" in entry.flags or "c-format" in entry.flags:
        found += [p for p in _PERCENT.findall(text) if p != "%%"]
    if "python-brace-format" in entry.flags:
        found += _BRACE.findall(text)
    return sorted(found)


def test_translations_keep_their_placeholders(messages):
    problems = []
    for entry in messages:
        expected = _placeholders(entry.msgid, entry)
        for slot, text in entry.msgstr.items():
            if text and _placeholders(text, entry) != expected:
                problems.append(f"{entry.label()} msgstr[{slot}] {text!r}: expected {expected}")
    assert not problems, "placeholders changed in translation:\n" + "\n".join(problems)


# --- (b) the compiled .mo matches the .po --------------------------------------------------


class _Missing:
    """Fallback that marks a message the .mo does not contain (identity translations included)."""

    MARK = "\0missing from django.mo\0"

    def gettext(self, message):
        return self.MARK

    def ngettext(self, singular, plural, n):
        return self.MARK

    def pgettext(self, context, message):
        return self.MARK

    def npgettext(self, context, singular, plural, n):
        return self.MARK


def test_mo_contains_every_translation_of_the_po(messages):
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run `make messages` and commit the .mo"
    with MO_PATH.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    catalogue.add_fallback(_Missing())

    stale = []
    for entry in messages:
        if entry.fuzzy or not entry.translated:
            continue  # reported by the completeness test; msgfmt leaves them out on purpose
        for slot, expected in sorted(entry.msgstr.items()):
            if entry.msgid_plural is None:
                if entry.msgctxt is None:
                    actual = catalogue.gettext(entry.msgid)
                else:
                    actual = catalogue.pgettext(entry.msgctxt, entry.msgid)
            else:
                # Chinese has one plural form; any n selects msgstr[0].
                n = 1 if slot == 0 else 2
                if entry.msgctxt is None:
                    actual = catalogue.ngettext(entry.msgid, entry.msgid_plural, n)
                else:
                    actual = catalogue.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
            if actual != expected:
                shown = "missing" if actual == _Missing.MARK else repr(actual)
                stale.append(f"{entry.label()} msgstr[{slot}]: .po has {expected!r}, .mo has {shown}")
    assert not stale, "django.mo is out of date with django.po (run `make messages` / compilemessages):\n" + "\n".join(
        stale
    )


# --- (c) the site speaks Chinese -----------------------------------------------------------


def test_home_page_in_chinese_from_accept_language(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=ZH_ACCEPT)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "虚拟产业集群" in html
    assert "集群名录" in html
    assert "Cluster directory" not in html


def test_home_page_in_english_from_accept_language(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=EN_ACCEPT)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "Virtual industrial clusters" in html
    assert "集群名录" not in html


def test_language_switch_overrides_accept_language(client, db):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"

    html = client.get("/", HTTP_ACCEPT_LANGUAGE=EN_ACCEPT).content.decode()
    assert 'lang="zh-hans"' in html
    assert "虚拟产业集群" in html
    assert "集群名录" in html

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=ZH_ACCEPT).content.decode()
    assert 'lang="en"' in html
    assert "Virtual industrial clusters" in html
