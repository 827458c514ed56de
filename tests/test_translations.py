"""Every user-facing string has its English translation, and the compiled catalogue carries it."""

import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _unescape(po_text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), po_text)


def _entries():
    text = PO.read_text()
    for block in text.split("\n\n")[1:]:  # the first block is the header
        msgid = "".join(re.findall(r'^(?:msgid )?"(.*)"$', block.split("msgstr")[0].split("msgid_plural")[0], re.M))
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        texts = ["".join([first, *re.findall(r'"(.*)"', rest)]) for first, rest in msgstrs]
        yield _unescape(msgid), [_unescape(t) for t in texts], block


def test_every_string_has_an_english_translation():
    untranslated = [msgid for msgid, msgstrs, block in _entries() if not all(msgstrs) or "#, fuzzy" in block]
    assert untranslated == []


def test_the_compiled_catalogue_is_up_to_date():
    with translation.override("en"):
        for msgid, msgstrs, block in _entries():
            if "msgid_plural" in block or "%" in msgid:
                continue
            context = re.search(r'^msgctxt "(.*)"$', block, re.M)
            found = translation.pgettext(context.group(1), msgid) if context else translation.gettext(msgid)
            assert found == msgstrs[0], f"recompile: {msgid}"
