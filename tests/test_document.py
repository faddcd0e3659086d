"""The document model: one structure for HTML, PDF and text, its metadata, and bad input."""

from __future__ import annotations

import io
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from citywatch.errors import ParseError
from citywatch.model import Page
from parsers.document.build import (
    Block,
    Document,
    HtmlProfile,
    build_document,
    decode,
    from_html,
    from_text,
    sniff,
)
from parsers.document.meta import clean_title

SAITAMA = HtmlProfile(
    main=("div#contents div.content_in div.wysiwyg_area",),
    drop=("h2.ttl_contact", "div.contact_box"),
    title=("#content_ttl_area h1",),
    meta=("p.page_number",),
)


def _pdf(lines: list[tuple[str, float]], *, encrypt: str | None = None) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    out = io.BytesIO()
    enc = StandardEncryption(encrypt, canPrint=1) if encrypt else None
    pdf = canvas.Canvas(out, pagesize=A4, encrypt=enc)
    y = 800.0
    for text, size in lines:
        pdf.setFont("HeiseiMin-W3", size)
        pdf.drawString(60, y, text)
        y -= size * 2.2
    pdf.showPage()
    pdf.save()
    return out.getvalue()


# --- the model -------------------------------------------------------------------------------


def test_text_joins_blocks_line_by_line() -> None:
    doc = Document(blocks=(Block("heading", 2, "令和2年2月"), Block("paragraph", 0, "本文")))
    assert doc.text() == "令和2年2月\n本文"


# --- plain text ------------------------------------------------------------------------------


def test_plain_text_finds_headings_fields_and_page_facts() -> None:
    text = (
        "ページの先頭です。 メインメニューへ移動 フッターへ移動\n"
        "更新日付:2020年3月10日 / ページ番号:C065484\n"
        "さいたま市のこれまでの取組\n"
        "このページを印刷する\n"
        "令和2年2月\n"
        "外務省気候変動課への訪問\n"
        "1 日　　時 令和２年２月２８日(金曜日)\n"
        "2 出 席 者 さいたま市未来都市推進部\n"
        "外務省国際協力局・気候変動課を訪問し、さいたま市の取組を紹介しました。\n"
        "この記事についてのお問い合わせ\n"
        "電話番号:048-829-1457\n"
    )
    doc = from_text(text)
    assert doc.title == "さいたま市のこれまでの取組"
    assert (doc.updated, doc.page_number) == ("2020-03-10", "C065484")
    kinds = [(b.kind, b.text) for b in doc.blocks]
    assert ("heading", "令和2年2月") in kinds
    assert ("heading", "外務省気候変動課への訪問") in kinds
    assert ("item", "1 日時 令和2年2月28日(金曜日)") in kinds
    assert ("item", "2 出席者 さいたま市未来都市推進部") in kinds
    text_out = doc.text()
    assert "印刷" not in text_out and "メインメニュー" not in text_out
    assert "電話番号" not in text_out, "the contact box is cut off"


def test_breadcrumb_gives_the_title_of_a_text_copy() -> None:
    doc = from_text(
        "ホーム > 市政情報 > 記者発表資料 > 久元市長の海外出張\nページID:80271\n本文です。"
    )
    assert doc.title == "久元市長の海外出張"
    assert doc.page_number == "80271"


def test_english_update_line() -> None:
    doc = from_text(
        "I met the ambassador.\n\nLast update date September 1, 2023\n\nPage ID: 205-201-551"
    )
    assert (doc.updated, doc.page_number) == ("2023-09-01", "205-201-551")


def test_old_yokohama_footer_gives_both_dates() -> None:
    doc = from_text("記事\n本文。\n政策局国際政策課 - 平成25年11月15日作成 - 平成25年11月18日更新")
    assert (doc.published, doc.updated) == ("2013-11-15", "2013-11-18")


def test_label_on_one_line_and_date_on_the_next() -> None:
    doc = from_text("国際交流トピックス\n最終更新日\n2017年8月24日\n本文です。")
    assert doc.updated == "2017-08-24"


# --- HTML ------------------------------------------------------------------------------------

SAITAMA_PAGE = """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">
<title>さいたま市／さいたま市のこれまでの取組</title></head><body>
<nav><a href="/a.html">メニュー</a></nav>
<div id="content_area"><div id="contents">
<p class="page_number">更新日付：2020年3月10日 / ページ番号：C065484</p>
<div id="content_ttl_area"><h1>さいたま市のこれまでの取組</h1></div>
<div class="content_in"><!--WYSIWYG--><div class="wysiwyg_area">
<h2>令和2年2月</h2><h3>外務省気候変動課への訪問</h3>
<p>1　日　　　時　令和2年2月28日(金曜日)<br>2　出 席 者　さいたま市未来都市推進部</p>
<ul><li>一つ目<ul><li>入れ子</li></ul></li></ul>
<table><tr><th>令和4年5月</th><td>採択</td></tr></table>
<p><a href="/001/p008741.html">E-KIZUNA Project</a> <a href="https://example.org/x">外部</a>
<a href="mailto:a@b.c">mail</a></p>
</div><!--WYSIWYG--></div>
<h2 class="ttl_contact">この記事についてのお問い合わせ</h2>
<div class="contact_box"><p>電話番号:048-829-1457</p></div>
</div></div></body></html>"""


def test_saitama_template_main_region_and_facts() -> None:
    doc = from_html(
        SAITAMA_PAGE, url="https://www.city.saitama.lg.jp/001/p065484.html", profile=SAITAMA
    )
    assert doc.title == "さいたま市のこれまでの取組"
    assert (doc.updated, doc.page_number) == ("2020-03-10", "C065484")
    assert doc.blocks[0] == Block("heading", 2, "令和2年2月")
    assert Block("heading", 3, "外務省気候変動課への訪問") in doc.blocks
    texts = [b.text for b in doc.blocks]
    assert "1 日時 令和2年2月28日(金曜日)" in texts, "<br> splits lines; spaced labels join"
    assert Block("item", 1, "一つ目") in doc.blocks
    assert Block("item", 2, "入れ子") in doc.blocks
    assert Block("row", 0, "令和4年5月 | 採択") in doc.blocks
    assert "電話番号:048-829-1457" not in doc.text()
    assert "メニュー" not in doc.text()
    assert doc.links == (
        "https://www.city.saitama.lg.jp/001/p008741.html",
        "https://example.org/x",
    )


def test_missing_selectors_fall_back_to_main_and_drop_the_footer() -> None:
    html = """<html><head><title>ページ | 神戸市</title></head><body>
    <header>サイト名</header><main><h1>神戸市長が来訪者と面会</h1><p>本文です。</p>
    <h2>このページに関するお問い合わせ</h2><p>国際課</p></main><footer>著作権</footer></body></html>"""
    doc = from_html(html, profile=SAITAMA)
    assert doc.title == "ページ"
    assert [b.text for b in doc.blocks] == ["神戸市長が来訪者と面会", "本文です。"]


def test_wordpress_and_prtimes_machine_dates() -> None:
    wp = """<html><head><meta property="og:title" content="Delegation visits Yokohama">
    </head><body><article><h1 class="entry-title">Delegation visits Yokohama</h1>
    <time class="entry-date published" datetime="2023-11-30T10:00:00+09:00">30 Nov</time>
    <time class="updated" datetime="2023-12-02T09:00:00+09:00">2 Dec</time>
    <div class="entry-content"><p>Text.</p></div></article></body></html>"""
    doc = from_html(wp)
    assert (doc.title, doc.published, doc.updated) == (
        "Delegation visits Yokohama",
        "2023-11-30",
        "2023-12-02",
    )
    ld = """<html><head><script type="application/ld+json">
    {"@context":"https://schema.org","@type":"NewsArticle","datePublished":"2024-06-25T14:00:00+09:00"}
    </script></head><body><main><p>本文。</p></main></body></html>"""
    assert from_html(ld).published == "2024-06-25"
    text_time = (
        "<html><body><main><p>横浜市 2024年6月25日 14時00分</p><p>本文。</p></main></body></html>"
    )
    assert from_html(text_time).published == "2024-06-25"


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("さいたま市／さいたま市のこれまでの取組", "さいたま市のこれまでの取組"),
        ("モザンビーク・マプト市長が横浜を訪問　横浜市", "モザンビーク・マプト市長が横浜を訪問"),
        ("Y-SHIP 2023 開催報告 | シティネット横浜プロジェクトオフィス", "Y-SHIP 2023 開催報告"),
        ("単独のタイトル", "単独のタイトル"),
    ],
)
def test_title_cleanup(title: str, clean: str) -> None:
    assert clean_title(title.replace("　", " ")) == clean


def test_yokohama_page_facts_from_its_template() -> None:
    html = """<html><head><title>x</title></head><body><main id="tmp_wrap_main">
    <div id="tmp_contents"><div class="main-title"><h1>訪問</h1></div>
    <p id="tmp_update">最終更新日 2025年10月3日</p><div class="contents-area">
    <div class="wysiwyg_wp"><p>本文。</p></div></div><p class="pageid">ページID：678-284-374</p>
    </div></main></body></html>"""
    doc = from_html(html, profile=HtmlProfile(main=("#tmp_contents",), drop=("p.pageid",)))
    assert (doc.updated, doc.page_number) == ("2025-10-03", "678-284-374")


# --- sniffing and decoding -------------------------------------------------------------------


def test_sniffing_without_a_declared_type() -> None:
    assert sniff(Page(b"%PDF-1.4 ...")) == "pdf"
    assert sniff(Page(b"\n<!DOCTYPE html><html><body></body></html>")) == "html"
    assert sniff(Page("ただの文章です。".encode())) == "text"
    assert sniff(Page(b"%PDF-1.7", content_type="text/html")) == "pdf"
    assert sniff(Page(b"<p>x</p>", content_type="text/plain")) == "text"


def test_decoding_uses_bom_meta_charset_and_detection() -> None:
    japanese = "横浜市長がバンコクを訪問しました。" * 20
    html = f'<html><head><meta charset="Shift_JIS"></head><body><p>{japanese}</p></body></html>'
    assert japanese in decode(html.encode("cp932"), markup=True)
    assert decode("\ufeff訪問".encode("utf-8")) == "訪問"
    assert decode(japanese.encode("euc_jp")) == japanese
    assert decode(japanese.encode("utf-8"), "no-such-charset") == japanese


def test_declared_charset_from_the_fetcher_wins() -> None:
    body = "<p>来浜しました</p>".encode("cp932")
    doc = build_document(Page(body, content_type="text/html", encoding="shift_jis"))
    assert doc.text() == "来浜しました"


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_title_from_the_largest_type_and_date_line() -> None:
    body = _pdf(
        [
            ("令和６年６月25日", 10.5),
            ("横浜市長がタイ・バンコクを訪問しました", 16),
            ("１ 期間 令和６年６月20日（木）～６月22日（土）", 10.5),
            ("バンコク都知事と会談しました。", 10.5),
        ]
    )
    doc = build_document(Page(body, content_type="application/pdf"))
    assert doc.title == "横浜市長がタイ・バンコクを訪問しました"
    assert doc.published == "2024-06-25"
    assert "1 期間 令和6年6月20日(木)~6月22日(土)" in [b.text for b in doc.blocks]


def test_pdf_without_text_is_a_parse_error() -> None:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.rect(100, 100, 200, 200, fill=1)
    pdf.showPage()
    pdf.save()
    with pytest.raises(ParseError, match="no extractable text"):
        build_document(Page(out.getvalue()))


def test_truncated_and_encrypted_pdfs_are_parse_errors() -> None:
    body = _pdf([("横浜市長が訪問しました", 12)])
    with pytest.raises(ParseError):
        build_document(Page(body[: len(body) // 3]))
    locked = _pdf([("横浜市長が訪問しました", 12)], encrypt="secret")
    with pytest.raises(ParseError, match=r"encrypted|unreadable"):
        build_document(Page(locked))


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"", b"   \n\t ", bytes(range(256)) * 40, zlib.compress(b"x" * 5000) * 3],
)
def test_empty_and_binary_bodies_are_parse_errors(body: bytes) -> None:
    with pytest.raises(ParseError):
        build_document(Page(body))


def test_html_without_a_body_is_an_empty_document() -> None:
    doc = build_document(Page(b"<html><head><title>t</title></head></html>"))
    assert doc.title == "t"
    assert doc.blocks == ()


def test_a_five_megabyte_page_is_read() -> None:
    row = "<p>横浜市長がバンコクを訪問しました。令和6年6月20日。</p>\n"
    html = (
        "<html><body><main>"
        + row * (5 * 1024 * 1024 // len(row.encode()))
        + "</main></body></html>"
    )
    doc = build_document(Page(html.encode(), content_type="text/html"))
    assert len(doc.blocks) > 50_000


def test_a_wrong_declared_charset_does_not_garble_the_page() -> None:
    body = "<html><body><p>横浜市長がバンコクを訪問しました。</p></body></html>".encode("cp932")
    doc = build_document(Page(body, content_type="text/html", encoding="utf-8"))
    assert doc.text() == "横浜市長がバンコクを訪問しました。"


def test_an_html_parse_leaves_pdfminer_unloaded_and_a_pdf_parse_loads_it() -> None:
    """pdfminer (with cryptography) is ~15 MiB in every parse process: only PDFs pay for it."""
    code = (
        "import sys, parsers; from citywatch.model import Page;"
        "parsers.parse_page(Page(body=b'<html><body><p>x</p></body></html>', url='https://a.jp/',"
        " content_type='text/html'), 'generic');"
        "print('pdfminer' in sys.modules, end=' ');"
        "from parsers.document.build import from_pdf;"
        "from tests.support.httpserver import minimal_pdf; from_pdf(minimal_pdf());"
        "print('pdfminer' in sys.modules)"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False True"
