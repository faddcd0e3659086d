"""The lxml pass over an HTML page: the region BeautifulSoup gets, and the facts read around it."""

from __future__ import annotations

import time

import lxml.html
import pytest

from citywatch.errors import ParseError
from citywatch.model import Page
from parsers.document.build import build_document, from_html
from parsers.document.css import PageSelector
from parsers.document.region import REGION_MARK, HtmlProfile, cut_page
from tests.support.httpserver import deep_html

PROFILE = HtmlProfile(
    main=("div#contents div.wysiwyg_area",),
    drop=("div.contact_box", ".share"),
    title=("#content_ttl_area h1",),
    meta=("p.page_number",),
)

PAGE = """<!DOCTYPE html><html><head><title>さいたま市／題名</title></head><body>
<nav><ul><li>メニュー項目</li></ul></nav>
<div id="sidebar"><p>サイドバーの文章</p></div>
<div id="contents">
<p class="page_number">更新日付：2024年1月9日 / ページ番号：C100000</p>
<div id="content_ttl_area"><h1>ページの題名</h1></div>
<div class="wysiwyg_area">
<h2>見出し<span class="share">共有</span>続き</h2>
<p>本文の段落です。<a href="/a.html">リンク</a></p>
<div class="contact_box"><p>お問い合わせ先</p></div>
</div></div></body></html>"""


def test_beautifulsoup_gets_only_the_region_without_its_furniture() -> None:
    cut = cut_page(PAGE, "https://www.city.saitama.lg.jp/x/p1.html", PROFILE)
    assert cut is not None and not cut.fallback
    assert "本文の段落です" in cut.region
    assert f"{REGION_MARK}=" in cut.region
    for outside in ("サイドバー", "メニュー項目", "ページの題名", "お問い合わせ先", "共有"):
        assert outside not in cut.region
    assert cut.title == "ページの題名"
    assert cut.meta_lines == ("更新日付:2024年1月9日 / ページ番号:C100000",)
    assert cut.links == ("https://www.city.saitama.lg.jp/a.html",)


def test_blank_text_beside_line_breaking_tags_is_left_out_of_the_markup() -> None:
    html = "<main>\n<p>一つ目</p>\n<p><b>太字</b> <i>斜体</i></p>\n</main>"
    cut = cut_page(html, "", HtmlProfile(main=("main",)), breaks=frozenset({"p", "main"}))
    assert cut is not None
    assert "\n" not in cut.region
    assert "<b>太字</b> <i>斜体</i>" in cut.region  # a blank between words stays
    assert [b.text for b in from_html(html).blocks] == ["一つ目", "太字 斜体"]


def test_page_facts_come_from_outside_the_region() -> None:
    doc = from_html(PAGE, profile=PROFILE)
    assert (doc.title, doc.updated, doc.page_number) == ("ページの題名", "2024-01-09", "C100000")
    # A dropped element leaves the strings on either side apart, as decompose() did.
    assert [b.text for b in doc.blocks] == ["見出し 続き", "本文の段落です。リンク"]


def test_whole_page_lines_keep_the_furniture_for_page_facts() -> None:
    cut = cut_page(PAGE, "", PROFILE)
    assert cut is not None
    lines = cut.whole_lines()
    assert "サイドバーの文章" in lines
    assert "お問い合わせ先" in lines  # dropped from the region, not from the page


def test_text_after_a_stray_closing_html_tag_still_counts() -> None:
    # libxml2 puts it in a second top-level element; BeautifulSoup kept it too.
    region = "<div id='contents'><div class='wysiwyg_area'><p>本文</p></div></div>"
    after_meta = f"<html><body>{region}</body></html><p class='page_number'>ページ番号：C1</p>"
    after_text = f"<html><body>{region}</body></html><p>最終更新日 2024年5月1日</p>"
    assert from_html(after_meta, profile=PROFILE).page_number == "C1"
    doc = from_html(after_text, profile=PROFILE)
    assert doc.updated == "2024-05-01"
    assert [b.text for b in doc.blocks] == ["本文"]


def test_ruby_readings_and_scripts_stay_out_of_titles() -> None:
    html = (
        "<html><head><script>var t = 'x';</script></head><body>"
        "<div id='content_ttl_area'><h1><ruby>横浜<rt>よこはま</rt></ruby>市長</h1></div>"
        "<div id='contents'><div class='wysiwyg_area'><p>本文</p></div></div></body></html>"
    )
    assert from_html(html, profile=PROFILE).title == "横浜 市長"


def test_a_table_cell_region_parses_again_as_a_cell() -> None:
    html = (
        "<html><body><table><tr><td class='nav'>メニュー</td>"
        "<td class='main'><h2>見出し</h2><p>セルの本文</p></td></tr></table></body></html>"
    )
    doc = from_html(html, profile=HtmlProfile(main=("td.main",)))
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("heading", "見出し"),
        ("paragraph", "セルの本文"),
    ]


def test_text_after_an_empty_list_item_stays_outside_it() -> None:
    html = "<html><body><main><p>前</p><li></li>後の文</main></body></html>"
    blocks = from_html(html).blocks
    assert [(b.kind, b.text) for b in blocks] == [("paragraph", "前"), ("paragraph", "後の文")]


def test_a_malformed_selector_is_skipped_and_the_others_still_apply() -> None:
    profile = HtmlProfile(
        main=("div[[", "div.wysiwyg_area"), drop=("p:nth-child(", "div.contact_box")
    )
    doc = from_html(PAGE, profile=profile)
    assert "本文の段落です。リンク" in doc.text()
    assert "お問い合わせ先" not in doc.text()


def test_selectors_the_page_cannot_match_are_skipped() -> None:
    root = lxml.html.document_fromstring(
        "<html><body><div id='a' class='x y'><p>1</p></div>"
        "<div class='z'><p>2</p></div></body></html>"
    )
    page = PageSelector(root)
    assert page.possible("div#a") and page.possible(".x.y") and page.possible("#missing, .z")
    assert not page.possible("#missing") and not page.possible("div.x .missing")
    assert page.select("#missing") == []
    assert [p.text for p in page.select_any(["#a p", ".z p", ".missing"])] == ["1", "2"]
    # Pseudo-classes are not read for needs: `:not(.missing)` matches.
    assert [d.get("class") for d in page.select("div:not(.missing)")] == ["x y", "z"]


def test_when_the_selectors_miss_the_region_falls_back_to_main() -> None:
    html = (
        "<html><body><header><p>サイト名</p></header><main><p>本文です。</p></main>"
        "<footer><p>著作権</p></footer></body></html>"
    )
    cut = cut_page(html, "", PROFILE)
    assert cut is not None and cut.fallback
    assert "本文です" in cut.region and "サイト名" not in cut.region
    assert [b.text for b in from_html(html, profile=PROFILE).blocks] == ["本文です。"]


def test_the_body_as_region_drops_header_and_footer() -> None:
    html = (
        "<html><body class='top'><header><p>サイト名</p></header><p>本文です。</p>"
        "<footer><p>著作権</p></footer></body></html>"
    )
    cut = cut_page(html, "", PROFILE)
    assert cut is not None and cut.fallback and f"{REGION_MARK}=" in cut.region
    assert [b.text for b in from_html(html, profile=PROFILE).blocks] == ["本文です。"]


def test_markup_without_any_element_is_an_empty_document() -> None:
    assert cut_page("<!-- only a comment -->", "", PROFILE) is None
    assert from_html("<!-- only a comment -->", url="https://x.jp/").blocks == ()


def test_deeply_nested_page_is_read_up_to_where_python_can_walk() -> None:
    depth = 600  # deeper than libxml2's default limit of 256
    html = "<html><body><p>前</p>" + "<div>" * depth + "<p>奥</p>" + "</div>" * depth + "<p>後</p>"
    assert [b.text for b in from_html(html).blocks] == ["前", "奥", "後"]


def test_a_hostile_100000_deep_page_is_a_quick_parse_error() -> None:
    page = Page(deep_html(), url="https://x.jp/deep", content_type="text/html")
    start = time.process_time()
    with pytest.raises(ParseError, match="nests too deeply"):
        build_document(page, profile=PROFILE)
    assert time.process_time() - start < 1.0
