"""Page bytes to text: UTF-8 with each invalid byte replaced when the page is (or looks) UTF-8, bs4's
UnicodeDammit for other charsets."""
from __future__ import annotations

import codecs
import re

from bs4 import UnicodeDammit
from bs4.dammit import EncodingDetector

_UTF8_NAMES = {"utf-8", "utf8", "utf_8", "unicode-1-1-utf-8", "x-unicode20utf8", "unicode20utf8"}
_ESCAPED = re.compile("[\udc80-\udcff]")


def _charset_of(content_type: str) -> str:
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ").lower()
    return ""


def decode_html_counted(body: bytes, content_type: str = "") -> tuple[str, int]:
    """Decode page bytes: (text, number of invalid bytes replaced by U+FFFD) (see decode_page)."""
    text, replaced, _ = decode_page(body, content_type)
    return text, replaced


def decode_page(body: bytes, content_type: str = "") -> tuple[str, int, bytes | None]:
    """Decode page bytes: (text, number of invalid bytes replaced by U+FFFD, the text's UTF-8 bytes
    when `body` holds them as they are (valid UTF-8, a BOM left out): what the HTML parser reads
    without encoding the text again; else None).

    A page that declares UTF-8 (Content-Type charset, else its BOM or <meta>), or declares nothing
    and looks UTF-8 (its valid multi-byte characters take at least a quarter as many bytes as
    its invalid ones),
    is decoded as UTF-8 with each invalid byte replaced: one bad paragraph never turns the whole
    page into a legacy code page. Other declared charsets, and undeclared non-UTF-8 pages, are
    decoded by bs4's UnicodeDammit (declared charset first, then its guess); nothing is replaced."""
    header = _charset_of(content_type)
    declared = header
    if body.startswith(codecs.BOM_UTF8):
        body, declared = body[len(codecs.BOM_UTF8):], declared or "utf-8"
    if not declared:
        found = EncodingDetector.find_declared_encoding(body, is_html=True)
        declared = (found or "").lower()
    if declared in _UTF8_NAMES or not declared:
        try:
            return body.decode("utf-8"), 0, body  # the common case: valid UTF-8
        except UnicodeDecodeError:
            pass
        text = body.decode("utf-8", errors="surrogateescape")
        bad = len(_ESCAPED.findall(text))
        multibyte = sum(len(ch.encode("utf-8")) for ch in text if ord(ch) > 127 and not _ESCAPED.match(ch))
        if declared or (multibyte and bad <= 4 * multibyte):
            return _ESCAPED.sub("\ufffd", text), bad, None
    known = [header] if header and header not in _UTF8_NAMES else []
    dammit = UnicodeDammit(body, known_definite_encodings=known, is_html=True)
    if dammit.unicode_markup is None:
        text = body.decode("utf-8", errors="surrogateescape")
        return _ESCAPED.sub("\ufffd", text), len(_ESCAPED.findall(text)), None
    return dammit.unicode_markup, 0, None


def decode_html(body: bytes, content_type: str = "") -> str:
    """Decode page bytes to text (see decode_html_counted, which also counts replaced bytes)."""
    return decode_html_counted(body, content_type)[0]


# A page is whole when its end holds a closing </body> or </html> tag (the one truncation rule:
# the fetcher refuses such a body, the parser says so of a cached one).
_CLOSING_TAG = re.compile(rb"</(?:html|body)\s*>", re.IGNORECASE)
CLOSING_TAIL = 16384  # bytes (or characters) at the end of a page where the closing tag must be


def looks_complete(page: bytes | str) -> bool:
    """True when the last CLOSING_TAIL bytes (or characters) of `page` hold </body> or </html>."""
    tail = page[-CLOSING_TAIL:]
    if isinstance(tail, str):
        tail = tail.encode("utf-8", "surrogatepass")
    return bool(_CLOSING_TAG.search(tail))

