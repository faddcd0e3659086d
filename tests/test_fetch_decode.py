"""Charsets and content types: Japanese encodings, labels that lie, BOMs, and PDFs served as
HTML — first as pure functions, then through the real server."""

from __future__ import annotations

import asyncio
import codecs

import pytest

from scraper import Fetcher
from scraper.decode import decode_body, normalize_charset, parse_content_type, sniff_content_type
from tests.support.httpserver import japanese_html, minimal_pdf

TEXT = (
    "さいたま市長は、姉妹都市との友好を深めるため、市役所で表敬訪問を受けました。"
    "横浜市とシティネットは、アジア太平洋の都市間協力について会議を開きました。"
)
CP932_ONLY = "①㈱髙橋・﨑"  # in CP932, not in strict Shift_JIS


def fetch(url, watch):
    async def run():
        async with Fetcher() as fetcher:
            return await fetcher.fetch(url, watch)

    return asyncio.run(run())


# -- pure functions ---------------------------------------------------------------------------


def test_content_type_header_is_split_into_media_type_and_charset():
    assert parse_content_type('Text/HTML; Charset="Shift_JIS"') == ("text/html", "Shift_JIS")
    assert parse_content_type("application/pdf") == ("application/pdf", None)
    assert parse_content_type(None) == (None, None)


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("Shift_JIS", "cp932"),
        ("x-sjis", "cp932"),
        ("Windows-31J", "cp932"),
        ("EUC-JP", "euc_jp"),
        ("UTF8", "utf-8"),
        ("iso-8859-1", "cp1252"),
        ("ISO-2022-JP", "iso2022_jp"),
        ("utf-16", None),
        ("no-such-charset", None),
    ],
)
def test_labels_map_the_way_browsers_map_them(label, codec):
    assert normalize_charset(label) == codec


def test_a_shift_jis_label_reads_cp932_characters():
    body = (TEXT + CP932_ONLY).encode("cp932")
    assert decode_body(body, "Shift_JIS") == ("cp932", TEXT + CP932_ONLY)


def test_a_header_that_lies_falls_back_to_the_meta_charset():
    body = japanese_html(TEXT, "euc_jp")
    codec, text = decode_body(body, "utf-8")
    assert codec == "euc_jp" and TEXT in text


def test_a_lying_header_without_meta_falls_back_to_detection():
    body = japanese_html(TEXT * 3, "cp932", meta=False)
    codec, text = decode_body(body, "utf-8")
    assert TEXT in text and codec == "cp932"


@pytest.mark.parametrize("encoding", ["cp932", "euc_jp"])
def test_undeclared_japanese_is_detected(encoding):
    body = japanese_html(TEXT * 3, encoding, meta=False)
    _codec, text = decode_body(body, None)
    assert TEXT in text


def test_a_bom_beats_a_header_that_disagrees():
    body = codecs.BOM_UTF8 + "<p>東京</p>".encode()
    assert decode_body(body, "iso-8859-1") == ("utf-8", "<p>東京</p>")


def test_an_xml_declaration_names_the_encoding():
    body = '<?xml version="1.0" encoding="EUC-JP"?><rss><title>横浜</title></rss>'.encode("euc_jp")
    assert decode_body(body, None) == ("euc_jp", body.decode("euc_jp"))


def test_undecodable_bytes_are_replaced_not_fatal():
    codec, text = decode_body(b"<p>ok \xff\xfe\xfd</p>", "utf-8")
    assert text.startswith("<p>ok ") and codec


@pytest.mark.parametrize(
    ("declared", "body", "decided"),
    [
        ("text/html", minimal_pdf(), "application/pdf"),
        ("application/octet-stream", b"\n%PDF-1.7\n...", "application/pdf"),
        (None, b"<!DOCTYPE html><html><body>x", "text/html"),
        ("application/octet-stream", b"  <html><head>", "text/html"),
        ("application/pdf", b"<html><body>error page</body></html>", "text/html"),
        (None, b'<?xml version="1.0"?><rss version="2.0">', "application/rss+xml"),
        (None, b'<feed xmlns="http://www.w3.org/2005/Atom">', "application/atom+xml"),
        ("text/html", b"\x89PNG\r\n\x1a\n....", "image/png"),
        ("text/html", b"<p>plain</p>", "text/html"),
        ("text/plain", b"just words", "text/plain"),
        (None, b"just words", "text/plain"),
        (None, b"\x00\x01\x02binary", "application/octet-stream"),
    ],
)
def test_content_type_is_the_header_checked_against_the_bytes(declared, body, decided):
    assert sniff_content_type(declared, body) == decided


# -- through the server ----------------------------------------------------------------------


def test_a_shift_jis_page_labelled_in_the_header_decodes(server, local_watch):
    server.set(
        "/sjis.html",
        japanese_html(TEXT + CP932_ONLY, "cp932", meta=False),
        content_type="text/html; charset=Shift_JIS",
    )
    result = fetch(server.url("/sjis.html"), local_watch())
    assert result.encoding == "cp932"
    assert TEXT + CP932_ONLY in result.text


def test_an_euc_jp_page_labelled_only_by_meta_decodes(server, local_watch):
    server.set("/euc.html", japanese_html(TEXT, "euc_jp"), content_type="text/html")
    result = fetch(server.url("/euc.html"), local_watch())
    assert result.encoding == "euc_jp"
    assert TEXT in result.text


def test_a_page_whose_header_lies_decodes_right(server, local_watch):
    server.set("/lie.html", japanese_html(TEXT, "cp932"), content_type="text/html; charset=utf-8")
    result = fetch(server.url("/lie.html"), local_watch())
    assert result.encoding == "cp932"
    assert TEXT in result.text


def test_a_pdf_served_as_html_is_a_pdf_with_no_text(server, local_watch):
    pdf = minimal_pdf("Yokohama press release")
    server.set("/release.html", pdf, content_type="text/html; charset=utf-8")
    result = fetch(server.url("/release.html"), local_watch())
    assert result.content_type == "application/pdf"
    assert result.body == pdf
    assert result.text is None and result.encoding is None
