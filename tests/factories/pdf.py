"""The text a generated PDF draws, for tests: our reports use reportlab's CID font (UCS-2 strings
in ASCII85 + Flate compressed page streams), which is all this reads."""

import base64
import re
import zlib


def pdf_texts(pdf: bytes) -> list[str]:
    texts = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        raw = raw.strip()
        try:
            data = zlib.decompress(base64.a85decode(raw.removesuffix(b"~>")))
        except (ValueError, zlib.error):
            continue  # a font or an image, not a page
        for string in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", data):
            string = re.sub(rb"\\([0-7]{1,3}|.)", _unescaped, string, flags=re.S)
            texts.append(string.decode("utf-16-be", errors="replace"))
    return texts


def _unescaped(match) -> bytes:
    escaped = match.group(1)
    return bytes([int(escaped, 8)]) if escaped[:1] in b"01234567" else {b"n": b"\n", b"r": b"\r"}.get(escaped, escaped)
