"""Whatever arrives, a parser returns records or raises ParseError: never another exception.

Hypothesis feeds arbitrary bytes, arbitrary text, markup assembled from the pieces real pages
are made of, and damaged copies of a real PDF, to every site parser.
"""

from __future__ import annotations

import io
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

import parsers
from citywatch.errors import ParseError
from citywatch.model import Page, ParseResult, Programme, Visit

SITES = parsers.known_sites()
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_PIECES = [
    "<html>", "</html>", "<body>", "<main>", "<article>", "<div id='tmp_contents'>", "</div>",
    "<h1>", "</h1>", "<h2>", "</h2>", "<p>", "</p>", "<br>", "<ul><li>", "</li></ul>",
    "<table><tr><td>", "</td></tr></table>", "<time datetime='2024-06-25'>", "</time>",
    "<meta charset='shift_jis'>", "<script type='application/ld+json'>{\"datePublished\":",
    "</script>", "<!--", "-->", "<a href='../x.html'>", "</a>", "&nbsp;", "&#x0;",
    "令和6年6月20日", "～", "6月22日(土)", "横浜市長が", "バンコクを訪問しました。", "来浜",
    "表敬訪問",
    "覚書を締結", "2013年に", "姉妹都市提携", "1 日 時 ", "3 場 所 ", "ドイツ・ボン市", "\n", " ",
    "更新日付：2025年10月30日", "ページ番号：C036689", "visited Yokohama on 7 September",
    "from 13th to 15th November 2023", "MOU", "令和元年", "平成31年", "(", ")", "〜", "※",
]  # fmt: skip


@cache
def _real_pdf() -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setFont("HeiseiMin-W3", 12)
    for i, line in enumerate(
        [
            "横浜市記者発表資料",
            "市長がバンコクを訪問しました",
            "令和6年6月20日～22日",
            "会談しました。",
        ]
    ):
        pdf.drawString(60, 800 - i * 30, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _check(page: Page, site: str) -> None:
    try:
        result = parsers.parse_page(page, site)
    except ParseError as exc:
        assert exc.message
        return
    assert isinstance(result, ParseResult)
    for record in result.records:
        assert isinstance(record, Visit | Programme)
        assert record.key
        record.to_dict()


@FUZZ
@given(
    body=st.binary(max_size=4096),
    site=st.sampled_from(SITES),
    content_type=st.sampled_from([None, "text/html", "application/pdf", "text/plain"]),
)
def test_arbitrary_bytes(body: bytes, site: str, content_type: str | None) -> None:
    _check(
        Page(body, url="https://example.jp/a.html", content_type=content_type, city="yokohama"),
        site,
    )


@FUZZ
@given(text=st.text(max_size=2000), site=st.sampled_from(SITES))
def test_arbitrary_text(text: str, site: str) -> None:
    _check(Page(text.encode("utf-8", "surrogatepass"), city="saitama"), site)


@FUZZ
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=80),
    site=st.sampled_from(SITES),
    encoding=st.sampled_from(["utf-8", "cp932", "euc_jp"]),
)
def test_markup_made_of_real_pieces(pieces: list[str], site: str, encoding: str) -> None:
    body = "".join(pieces).encode(encoding, "replace")
    _check(Page(body, url="https://www.city.yokohama.lg.jp/x/", city=None), site)
    _check(Page(body, content_type="text/plain", city="kobe"), "generic")


@FUZZ
@given(data=st.data())
def test_damaged_pdfs(data: st.DataObject) -> None:
    body = bytearray(_real_pdf())
    cut = data.draw(st.integers(min_value=0, max_value=len(body)))
    flips = data.draw(st.lists(st.integers(min_value=0, max_value=len(body) - 1), max_size=20))
    for i in flips:
        body[i] ^= 0xFF
    _check(Page(bytes(body[:cut]), content_type="application/pdf", city="yokohama"), "yokohama-pdf")
