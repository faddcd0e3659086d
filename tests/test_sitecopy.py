"""The local copy of the sites must look like the real sites and hold the seeds' text.

Parsers are built and end-to-end tests run against these pages, so a page that lost a paragraph
or a template landmark would let a parser pass here and fail on the real site.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
import tomllib
import unicodedata
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag
from pdfminer.high_level import extract_text

from citywatch.sources import load_sources, sources_from_dict
from tests.support import sitecopy
from tests.support.sitecopy import SITES_DIR, SitePage

PAGES = sitecopy.load_manifest()
HTML_PAGES = [p for p in PAGES if p.content_type.startswith("text/html")]
SEEDED_HTML = [p for p in HTML_PAGES if p.seed]
PDF_PAGE = next(p for p in PAGES if p.site == "yokohama-pdf")
HISTORY = sitecopy.find_page("saitama-history").path
CLAIR_CITIES = {"saitama", "yokohama", "oiso", "hyogo-pref", "sayo"}
SAITAMA_INDEX = sitecopy.find_page("saitama-international-index").path

# Each site's main region (SITES.md): where a parser must find the seed's body.
MAIN = {
    "saitama": "div#contents div.content_in > div.wysiwyg_area",
    "yokohama": "#tmp_contents .contents-area",
    "prtimes": "article div[class^='release-body_body__']",
    "citynet": "article div.entry-content",
}
# First and last line of each seed's body; the lines around them are the page's furniture.
BODY = {
    "000_f32b06f6d2c85bf0.txt": ("1.バンコク都知事との両都市間連携等", "JICA タイ事務所長との面会"),
    "002_70b0e9fd69b8572e.txt": ("令和2年2月", "さいたま市長 清水 勇人(右)"),
    "003_64d2261ff913835e.txt": ("1 国際コンベンション", "Bコース：北部汚泥資源化センター"),
    "004_1c10d7fecdc37662.txt": (
        "クアラルンプール市との都市間連携事業",
        "清水市長が現地登壇、現地視察",
    ),
}
SKIP_LINES = (
    "ページの先頭です",
    "メインメニューへ移動",
    "ページの本文です",
    "このページを印刷する",
)
PDF_SENTENCES = [
    "横 浜 市 記 者 発 表 資 料",
    "令 和 ６ 年 ６ 月 2 5 日",
    "山中 竹春 横浜市長がタイ・バンコクを訪問しました",
    "令和６年６月 20 日（木）〜６月 22 日（土）",
    "バンコク都知事との両都市間連携等にかかるトップ会談",
    "２０１３年にバンコク都と都市間協力の覚書を締結",
    "ESCAP 事務局長と面会し",
    "東部経済回廊（ＥＥＣ）の本部を訪問し",
    "JICA タイ事務所長と面会し",
]


def squash(text: str) -> str:
    """Compare text as a reader would: NFKC, no whitespace, markdown links as their words."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = unicodedata.normalize("NFKC", text.replace("\uf06e", "").replace("～", "〜"))
    return "".join(text.split())


def soup_of(page: SitePage) -> BeautifulSoup:
    return BeautifulSoup(page.file.read_bytes(), "lxml")


def text_of(node: Tag) -> str:
    """Text with images as their alt text, the way the seeds' text copies render them."""
    node = BeautifulSoup(str(node), "lxml")
    for img in node.find_all("img"):
        img.replace_with(f" {img.get('alt') or ''} ")
    return node.get_text(" ")


def seed_lines(page: SitePage) -> list[str]:
    seeds = sitecopy.SEEDS_DIR
    if not seeds.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{seeds} is missing, and CI=true requires the seeds")
        pytest.skip(f"{seeds} is absent: the seeds live beside the repository, in ../shared")
    assert page.seed_file is not None
    return page.seed_file.read_text(encoding="utf-8").splitlines()


def attr(tag: Tag, name: str) -> str:
    value = tag.get(name)
    assert isinstance(value, str), f"<{tag.name}> has no {name}"
    return value


def one(soup: BeautifulSoup | Tag, selector: str) -> Tag:
    found = soup.select(selector)
    assert len(found) == 1, f"{selector!r} matches {len(found)} elements"
    return found[0]


# --- manifest --------------------------------------------------------------------------------


def test_manifest_lists_exactly_the_pages_in_the_tree() -> None:
    on_disk = {
        f.relative_to(SITES_DIR).as_posix()
        for f in SITES_DIR.rglob("*")
        if f.suffix in (".html", ".pdf") or (f.is_file() and "/data/detail/" in f.as_posix())
    }
    assert {p.path for p in PAGES} == on_disk
    assert len({p.path for p in PAGES}) == len(PAGES)


def test_manifest_entries_are_consistent() -> None:
    ids = [p.id for p in PAGES]
    assert len(set(ids)) == len(ids)
    seeds = sorted(p.seed for p in PAGES if p.seed)
    assert [s[:3] for s in seeds] == ["000", "001", "002", "003", "004"]
    for page in PAGES:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", page.id), page.id
        assert page.site in {"saitama", "yokohama", "yokohama-pdf", "prtimes", "citynet", "clair"}
        if page.site == "clair":  # each detail page names its own local government
            assert page.city in ({None} if page.kind != "content" else CLAIR_CITIES)
        else:
            assert page.city in {"saitama", "yokohama"}
        assert page.content_type == (
            "application/pdf" if page.path.endswith(".pdf") else "text/html; charset=utf-8"
        )
        assert page.real_url == "https://" + page.path
        assert re.match(r"[a-z0-9.-]+\.(jp|org)/", page.path), "the first part is the real host"


@pytest.mark.parametrize("page", [p for p in PAGES if p.linked_from], ids=lambda p: p.id)
def test_linked_from_page_links_to_it(page: SitePage) -> None:
    source = sitecopy.find_page(page.linked_from or "")
    soup = soup_of(source)
    base = "http://copy/" + source.path
    targets = {urlsplit(urljoin(base, attr(a, "href"))).path for a in soup.select("a[href]")}
    assert "/" + page.path in targets
    if source.kind != "content":
        followed = {
            urlsplit(urljoin(base, attr(a, "href"))).path for a in soup.select(source.levels()[0])
        }
        assert "/" + page.path in followed, "the index's follow selector reaches it"


def test_load_manifest_rejects_malformed_entries(tmp_path: Path) -> None:
    bad = tmp_path / "manifest.toml"
    bad.write_text('[[page]]\npath = "x.html"\nid = "x"\nkind = "content"\nsite = "s"\n')
    with pytest.raises(ValueError, match="page #1"):
        sitecopy.load_manifest(bad)
    bad.write_text(
        '[[page]]\npath = "x.html"\nid = "x"\nkind = "index"\nsite = "s"\ncity = "c"\n'
        'content_type = "text/html"\ntitle = "t"\n'
    )
    with pytest.raises(ValueError, match="follow"):
        sitecopy.load_manifest(bad)


# --- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", HTML_PAGES, ids=lambda p: p.id)
def test_page_is_utf8_html_with_its_title(page: SitePage) -> None:
    raw = page.file.read_bytes()
    raw.decode("utf-8")
    assert raw.startswith(b"<!DOCTYPE html>")
    soup = soup_of(page)
    charset = soup.select("head meta[charset]")
    assert charset and charset[0].get("charset") == "utf-8"
    assert soup.head is not None and soup.head.find("meta") is charset[0], "charset comes first"
    title = soup.title.get_text() if soup.title else ""
    expected = {
        "saitama": f"さいたま市／{page.title}",
        "yokohama": f"{page.title}　横浜市",
        "prtimes": f"{page.title} | 横浜市のプレスリリース",
        "citynet": f"{page.title} | シティネット横浜プロジェクトオフィス",
        "clair": f"{page.title} | CLAIR(クレア)一般財団法人自治体国際化協会",
    }[page.site]
    assert title == expected


@pytest.mark.parametrize("page", [p for p in HTML_PAGES if p.site == "saitama"], ids=lambda p: p.id)
def test_saitama_template(page: SitePage) -> None:
    soup = soup_of(page)
    contents = one(soup, "div#content_area > div#contents")
    assert one(contents, "#content_ttl_area h1").get_text(strip=True) == page.title
    if page.kind == "index":
        assert contents.select(page.follow or "")
        return
    raw = page.file.read_text(encoding="utf-8")
    assert re.search(r"<!--WYSIWYG-->\s*<div class=\"wysiwyg_area\">", raw)
    one(contents, "div.content_in > div.wysiwyg_area")
    stamp = one(contents, "p.page_number").get_text(strip=True)
    match = re.fullmatch(r"更新日付：(\d{4})年(\d{1,2})月(\d{1,2})日 / ページ番号：(C\d{6})", stamp)
    assert match, stamp
    assert match.group(4) == "C" + re.findall(r"p(\d{6})\.html$", page.path)[0]
    assert one(contents, "h2.ttl_contact").find_next_sibling("div", class_="contact_box")
    assert one(contents, "div.content_in > h2.ttl_type5").get_text() == "関連リンク"


@pytest.mark.parametrize(
    "page", [p for p in HTML_PAGES if p.site == "yokohama"], ids=lambda p: p.id
)
def test_yokohama_template(page: SitePage) -> None:
    soup = soup_of(page)
    main = one(soup, "main#tmp_wrap_main")
    tmp_main = one(main, "#tmp_main")
    assert "ここから本文です。" in tmp_main.get_text()
    assert one(tmp_main, "#tmp_contents .main-title h1").get_text(strip=True) == page.title
    assert re.fullmatch(
        r"最終更新日 \d{4}年\d{1,2}月\d{1,2}日", one(main, "#tmp_update").get_text()
    )
    assert re.fullmatch(r"ページID：\d{3}-\d{3}-\d{3}", one(main, "p.pageid").get_text())
    if page.kind == "index":
        assert main.select(page.follow or "")
        return
    area = one(main, "#tmp_contents .contents-area")
    assert area.select(".contents-area > .wysiwyg_wp")
    assert [s.get_text() for s in area.select(".h2bg > div > h2 > span")] == ["添付ファイル"]
    assert "記者発表資料" in area.get_text() and "令和6年6月25日" in area.get_text()
    one(main, "#tmp_inquiry")
    pdf = one(area, "a[href$='.pdf']")
    assert urljoin(page.real_url, attr(pdf, "href")) == PDF_PAGE.real_url


def test_prtimes_template() -> None:
    page = next(p for p in HTML_PAGES if p.site == "prtimes")
    soup = soup_of(page)
    og = {attr(m, "property"): attr(m, "content") for m in soup.select("meta[property^='og:']")}
    assert og["og:title"] == page.title == one(soup, "article h1").get_text(strip=True)
    assert og["og:description"].startswith("1.バンコク都知事")
    assert og["og:url"] == page.real_url
    published = datetime.fromisoformat(attr(one(soup, "article time[datetime]"), "datetime"))
    assert published.date().isoformat() == "2024-06-25" and published.utcoffset() is not None
    assert "2024年6月25日 14時00分" in soup.get_text()
    (ld_script,) = soup.select("script[type='application/ld+json']")
    ld = json.loads(ld_script.string or "")
    assert ld["@type"] == "NewsArticle" and ld["headline"] == page.title
    assert datetime.fromisoformat(ld["datePublished"]) == published
    classes = [c for tag in soup.select("article [class]") for c in tag["class"]]
    assert classes and all(re.fullmatch(r"[\w-]+_\w+__\w{5}", c) for c in classes)


@pytest.mark.parametrize("page", [p for p in HTML_PAGES if p.site == "citynet"], ids=lambda p: p.id)
def test_citynet_template(page: SitePage) -> None:
    soup = soup_of(page)
    main = one(soup, "main#main")
    if page.kind == "index":
        assert one(main, "h1.page-title").get_text() == page.title
        assert main.select(page.follow or "")
        return
    assert one(main, "article h1.entry-title").get_text() == page.title
    published = datetime.fromisoformat(attr(one(main, "article time[datetime]"), "datetime"))
    assert published.year == 2023
    one(main, "article div.entry-content")
    assert "supports the SDGs." in one(soup, "footer#colophon").get_text()


# --- seed text -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", SEEDED_HTML, ids=lambda p: p.id)
def test_every_seed_line_is_on_the_page(page: SitePage) -> None:
    whole = squash(text_of(soup_of(page)))
    missing = [line for line in seed_lines(page) if squash(line) not in whole]
    assert not missing


@pytest.mark.parametrize("page", SEEDED_HTML, ids=lambda p: p.id)
def test_seed_body_is_the_main_region_and_furniture_is_not(page: SitePage) -> None:
    lines = [x for x in seed_lines(page) if squash(x)]
    first, last = BODY[page.seed or ""]
    start = next(i for i, x in enumerate(lines) if x.strip().startswith(first))
    end = max(i for i, x in enumerate(lines) if x.strip() == last)
    main = squash(" ".join(text_of(n) for n in soup_of(page).select(MAIN[page.site])))
    assert squash("".join(lines[start : end + 1])) in main, "the body, in order, in the main region"
    furniture = [
        x
        for x in lines[:start] + lines[end + 1 :]
        if len(squash(x)) >= 6 and not x.strip().startswith(SKIP_LINES)
    ]
    assert furniture, "the seed has navigation or contact lines around its body"
    assert not [x for x in furniture if squash(x) in main]


def test_pdf_is_japanese_with_extractable_text() -> None:
    raw = PDF_PAGE.file.read_bytes()
    assert raw.startswith(b"%PDF-") and raw.rstrip().endswith(b"%%EOF")
    text = squash(extract_text(str(PDF_PAGE.file)))
    assert not [s for s in PDF_SENTENCES if squash(s) not in text]
    assert text.index(squash("横 浜 市 記 者 発 表 資 料")) < text.index(
        squash("２ バンコク都知事")
    )


def test_pdf_holds_every_line_of_its_seed() -> None:
    text = squash(extract_text(str(PDF_PAGE.file)))
    assert not [line for line in seed_lines(PDF_PAGE) if squash(line) not in text]


def test_pdf_regenerates_byte_for_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("reportlab")
    spec = importlib.util.spec_from_file_location("build_pdf", SITES_DIR / "build_pdf.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    assert PDF_PAGE.file == module.PDF_PATH
    assert module.render() == PDF_PAGE.file.read_bytes()


# --- the watch list and the server -----------------------------------------------------------


def test_sources_toml_watches_every_content_page() -> None:
    base = "http://127.0.0.1:8123"
    text = sitecopy.sources_toml(base, interval="2h", alerts=["json://127.0.0.1:9/hook"])
    sources = sources_from_dict(tomllib.loads(text))
    content = [p for p in PAGES if p.kind == "content"]
    assert sources.ids() == [p.id for p in content]
    for watch, page in zip(sources.watches, content, strict=True):
        assert watch.url == f"{base}/{page.path}"
        assert (watch.site, watch.city, watch.follow) == (page.site, page.city, None)
        assert watch.allow_private and watch.per_host_delay == 0 and watch.interval == 7200
    assert sources.alerts.urls == ("json://127.0.0.1:9/hook",)


def test_sources_toml_with_follow_reaches_every_content_page() -> None:
    base = "http://127.0.0.1:8123/"
    sources = sources_from_dict(tomllib.loads(sitecopy.sources_toml(base, follow=True)))
    reached: set[str] = set()
    for watch in sources.watches:
        page = next(p for p in PAGES if p.url(base) == watch.url)
        if watch.follow:
            follow = watch.follow if isinstance(watch.follow, str) else list(watch.follow)
            assert page.kind == "index" and follow == page.follow
            level = [page]
            for selector in page.levels():  # through the listing pages, level by level
                links = {
                    urljoin(p.url(base), attr(a, "href"))
                    for p in level
                    for a in soup_of(p).select(selector)
                }
                level = [p for p in PAGES if p.url(base) in links]
            reached |= {p.url(base) for p in level}
        else:
            assert page.kind == "content" and watch.url not in reached
            reached.add(watch.url)
    assert reached == {p.url(base) for p in PAGES if p.kind == "content"}
    assert {w.site for w in sources.watches if w.follow} == {
        "saitama",
        "yokohama",
        "citynet",
        "clair",
    }


def test_sources_toml_loads_from_a_file_with_extra_defaults(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    extra = {"per_host_delay": "1s", "retries": 0, "respect_robots": False, "timeout": 5}
    path.write_text(sitecopy.sources_toml("http://127.0.0.1:1", extra_defaults=extra))
    sources = load_sources(path)
    assert all(w.per_host_delay == 1 and w.retries == 0 for w in sources.watches)
    assert all(not w.respect_robots and w.timeout == 5 for w in sources.watches)
    with pytest.raises(TypeError):
        sitecopy.sources_toml("http://127.0.0.1:1", extra_defaults={"x": object()})


def test_served_copy_answers_every_manifest_url(tmp_path: Path) -> None:
    root = sitecopy.copy_sites(tmp_path / "sites")
    assert not list(root.rglob("*.py"))
    with sitecopy.serve(root) as base:
        assert base.startswith("http://127.0.0.1:")
        for page in PAGES:
            with urllib.request.urlopen(page.url(base), timeout=10) as response:
                assert response.headers["Content-Type"] == page.content_type
                assert response.read() == page.file.read_bytes()
        with urllib.request.urlopen(base + "/robots.txt", timeout=10) as response:
            assert b"User-agent: *" in response.read()


def test_edits_within_one_second_are_not_served_as_not_modified(tmp_path: Path) -> None:
    root = sitecopy.copy_sites(tmp_path / "sites")
    url_path = "/" + quote(HISTORY)

    def get(base: str, since: str | None) -> tuple[int, bytes, str]:
        headers = {"If-Modified-Since": since} if since else {}
        request = urllib.request.Request(base + url_path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read(), response.headers["Last-Modified"]
        except urllib.error.HTTPError as exc:
            return exc.code, b"", exc.headers["Last-Modified"] or ""

    with sitecopy.serve(root) as base:
        status, first, stamp = get(base, None)
        assert status == 200 and get(base, stamp)[0] == 304
        sitecopy.edit_text(root, HISTORY, "令和元年10月30日", "令和元年10月31日")
        status, second, stamp = get(base, stamp)
        assert status == 200 and second != first
        sitecopy.edit_text(root, HISTORY, "令和元年10月31日", "令和元年10月30日")
        status, third, _ = get(base, stamp)
        assert status == 200 and third == first


# --- page edits ------------------------------------------------------------------------------


def test_add_visit_then_remove_section_restores_the_page(tmp_path: Path) -> None:
    root = sitecopy.copy_sites(tmp_path / "sites")
    before = (root / HISTORY).read_bytes()
    sitecopy.add_visit(
        root,
        HISTORY,
        heading="バンコク都知事の表敬訪問",
        date_text="令和6年7月10日(水曜日)",
        place_text="さいたま市役所",
        people_text="バンコク都知事",
        people_label="訪 問 者",
        body_text="バンコク都知事が市長を表敬訪問しました。",
    )
    soup = BeautifulSoup((root / HISTORY).read_bytes(), "lxml")
    body = one(soup, MAIN["saitama"])
    top = [n for n in body.children if isinstance(n, Tag)][:5]
    assert [n.name for n in top] == ["h2", "h3", "p", "p", "h2"]
    assert [n.get_text() for n in (top[0], top[1], top[4])] == [
        "令和6年7月",
        "バンコク都知事の表敬訪問",
        "令和2年2月",
    ]
    assert squash(top[2].get_text()) == squash(
        "1 日 時 令和6年7月10日(水曜日) 2 訪 問 者 バンコク都知事 3 場 所 さいたま市役所"
    )
    assert (SITES_DIR / HISTORY).read_bytes() == before, "the committed copy is untouched"
    sitecopy.remove_section(root, HISTORY, "バンコク都知事の表敬訪問")
    assert (root / HISTORY).read_bytes() == before


def test_add_visit_escapes_text_and_needs_a_month(tmp_path: Path) -> None:
    root = sitecopy.copy_sites(tmp_path / "sites")
    page = sitecopy.find_page("saitama-kuala-lumpur").path
    before = (root / page).read_bytes()
    fields = {"place_text": "A&B <市役所>", "people_text": "市長", "heading": "x < y"}
    sitecopy.add_visit(root, page, date_text="2024年7月1日", **fields)
    body = one(BeautifulSoup((root / page).read_bytes(), "lxml"), MAIN["saitama"])
    assert body.h2 is not None and body.h2.get_text() == "2024年7月"
    assert "A&B <市役所>" in body.get_text()
    sitecopy.remove_section(root, page, "x < y")
    assert (root / page).read_bytes() == before
    with pytest.raises(ValueError, match="month"):
        sitecopy.add_visit(root, page, date_text="近日", **fields)
    with pytest.raises(ValueError, match="Saitama"):
        sitecopy.add_visit(root, PDF_PAGE.linked_from or "", date_text="2024年7月1日", **fields)
    with pytest.raises(ValueError, match="HTML"):
        sitecopy.edit_text(root, PDF_PAGE.path, "a", "b")


def test_remove_section_keeps_a_month_that_still_has_items(tmp_path: Path) -> None:
    root = sitecopy.copy_sites(tmp_path / "sites")
    sitecopy.remove_section(root, HISTORY, "地域再生可能エネルギー国際会議2018への出席等")
    body = one(BeautifulSoup((root / HISTORY).read_bytes(), "lxml"), MAIN["saitama"])
    text = body.get_text()
    assert "平成30年10月" in text and "イクレイ世界事務局長と面会" in text
    assert "バーゼル" not in text and "平成29年6月" in text
    sitecopy.remove_section(root, HISTORY, "イクレイ世界事務局長と面会")
    assert (
        "平成30年10月"
        not in one(BeautifulSoup((root / HISTORY).read_bytes(), "lxml"), MAIN["saitama"]).get_text()
    )
    with pytest.raises(ValueError, match="no heading"):
        sitecopy.remove_section(root, HISTORY, "存在しない見出し")


def test_edit_text_changes_and_restores(tmp_path: Path) -> None:
    root = sitecopy.copy_sites(tmp_path / "sites")
    before = (root / HISTORY).read_bytes()
    assert sitecopy.edit_text(root, HISTORY, "令和元年10月30日", "令和元年10月31日") == 1
    assert "令和元年10月31日" in (root / HISTORY).read_text(encoding="utf-8")
    sitecopy.edit_text(root, HISTORY, "令和元年10月31日", "令和元年10月30日")
    assert (root / HISTORY).read_bytes() == before
    with pytest.raises(ValueError, match="does not occur"):
        sitecopy.edit_text(root, HISTORY, "存在しない文字列", "x")


@pytest.mark.parametrize("index", [p for p in PAGES if p.kind != "content"], ids=lambda p: p.id)
def test_add_link_lists_a_new_page_first(tmp_path: Path, index: SitePage) -> None:
    root = sitecopy.copy_sites(tmp_path / "sites")
    new_page = str(Path(index.path).parent / "new-page.html")
    href = sitecopy.relative_href(index.path, new_page)
    assert href == "new-page.html"
    selector = index.levels()[0]
    before = [attr(a, "href") for a in soup_of(index).select(selector)]
    sitecopy.add_link(root, index.path, href, "新しい <ページ>")
    links = BeautifulSoup((root / index.path).read_bytes(), "lxml").select(selector)
    assert [attr(a, "href") for a in links] == [href, *before]
    assert links[0].get_text() == "新しい <ページ>"
    with pytest.raises(ValueError, match="not an index"):
        sitecopy.add_link(root, HISTORY, href, "x")


def test_relative_href_climbs_between_hosts() -> None:
    assert sitecopy.relative_href(SAITAMA_INDEX, HISTORY) == "p065484.html"
    assert sitecopy.relative_href("a.org/x/index.html", "a.org/y/z/p.html") == "../y/z/p.html"
    assert sitecopy.relative_href("a.org/index.html", "b.jp/p.html") == "../b.jp/p.html"
