"""The parser reads a page's UTF-8 bytes as they are when it has them (decode.decode_page hands them
on with the text): the same blocks and narratives as from the text, and the bytes only when they are
exactly the text's UTF-8."""
from __future__ import annotations

import codecs

import pytest
import site_expected as SITE_EXPECTED
from site_server import site_file

from scrapers.countries import get_country
from scrapers.parse.blocks import blocks_of
from scrapers.parse.decode import decode_html_counted, decode_page
from scrapers.parse.page import parse_narrative

CHINA = get_country("china")
PAGE = "<html><body><p>People\u2019s Republic \u2013 caf\u00e9</p></body></html>"


def test_valid_utf8_is_handed_on_as_it_is():
    body = PAGE.encode("utf-8")
    text, replaced, utf8 = decode_page(body, "text/html; charset=utf-8")
    assert (text, replaced) == (PAGE, 0) and utf8 is body


def test_a_bom_is_left_out_of_the_bytes_as_of_the_text():
    text, _, utf8 = decode_page(codecs.BOM_UTF8 + PAGE.encode("utf-8"), "")
    assert text == PAGE and utf8 == PAGE.encode("utf-8")


@pytest.mark.parametrize("body, content_type", [
    (PAGE.encode("utf-8").replace(b"caf\xc3\xa9", b"caf\xe9"), "text/html; charset=utf-8"),  # one bad byte
    (PAGE.replace("\u2019", "'").replace("\u2013", "-").encode("cp1252"), "text/html; charset=windows-1252"),
])
def test_no_bytes_when_the_text_is_not_them(body, content_type):
    text, replaced, utf8 = decode_page(body, content_type)
    assert utf8 is None and (text, replaced) == decode_html_counted(body, content_type)


@pytest.mark.parametrize("year", SITE_EXPECTED.FIXTURE_YEARS)
def test_bytes_and_text_parse_alike(year):
    url = SITE_EXPECTED.EXPECTED[year]["source_url"]
    body = site_file(url).read_bytes()
    text, _, utf8 = decode_page(body, "text/html; charset=utf-8")
    assert utf8 is not None
    assert blocks_of(utf8) == blocks_of(text)
    assert parse_narrative(text, country=CHINA, year=year, source_url=url, utf8=utf8) == parse_narrative(
        text, country=CHINA, year=year, source_url=url)


def test_nul_characters_are_left_out_of_bytes_as_of_text():
    page = "<html><body><p>Tier\x00 3 of \x00China</p></body></html>"
    assert blocks_of(page.encode("utf-8")) == blocks_of(page)
