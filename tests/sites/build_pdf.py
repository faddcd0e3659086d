"""Rebuild the Yokohama press-release PDF (seed 001) that sits in the local copy of the sites.

The real release is a Japanese PDF whose text a parser must read back, so the fixture is a real
PDF drawn with reportlab's built-in CID fonts (no font file needed) in the release's own layout:
the spaced-letter title block, the era date, the schedule table, numbered sections with photos,
footnotes and the contact box. The generated file is committed, so tests and `citywatch demo`
need no reportlab; run this script only to change it:

    .venv/bin/python tests/sites/build_pdf.py          # rewrite the PDF
    .venv/bin/python tests/sites/build_pdf.py --check  # exit 1 if the committed PDF differs

Output is byte-for-byte stable: invariant mode fixes the document ID, and the creation date is
pinned to the release date.
"""

# The release text is kept one printed line per string, so some lines run past the limit.
# ruff: noqa: E501

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

__all__ = ["PDF_PATH", "build", "render"]

PDF_PATH = (
    Path(__file__).resolve().parent
    / "www.city.yokohama.lg.jp/city-info/koho-kocho/press/kokusai/2024"
    / "0625bangkok.files/0625bangkok.pdf"
)

MINCHO = "HeiseiMin-W3"
GOTHIC = "HeiseiKakuGo-W5"
PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 56.0, 56.0, 50.0, 50.0
TEXT_W = PAGE_W - LEFT - RIGHT
BODY, BODY_LEAD = 10.5, 15.5
NOTE, NOTE_LEAD = 9.0, 13.0
CREATED = "D:20240625140000+09'00'"

# One drawing step: it knows its height, so the flow can break pages before drawing it.
Draw = Callable[[Canvas, float], None]


@dataclass(frozen=True)
class Block:
    height: float
    draw: Draw


def _fit(text: str, font: str, size: float, width: float) -> None:
    """Refuse lines wider than their column: a clipped line would silently lose release text."""
    if pdfmetrics.stringWidth(text, font, size) > width + 0.5:
        raise ValueError(f"line too wide for its column: {text!r}")


def _lines(
    lines: Sequence[str],
    *,
    font: str = MINCHO,
    size: float = BODY,
    lead: float = BODY_LEAD,
    x: float = LEFT,
    width: float = TEXT_W,
    before: float = 0.0,
) -> Block:
    for line in lines:
        _fit(line, font, size, width)

    def draw(c: Canvas, y: float) -> None:
        c.setFont(font, size)
        for i, line in enumerate(lines):
            c.drawString(x, y - before - size - i * lead, line)

    return Block(before + size + (len(lines) - 1) * lead + (lead - size), draw)


def _heading(text: str) -> Block:
    return _lines([text], font=GOTHIC, size=11.0, lead=18.0, before=10.0)


def _photo(c: Canvas, x: float, y: float, w: float, h: float) -> None:
    """A grey frame where the release has a photograph."""
    c.setFillGray(0.86)
    c.setStrokeGray(0.55)
    c.rect(x, y - h, w, h, stroke=1, fill=1)
    c.setFillGray(0.0)


def _photos(captions: Sequence[str], *, photo_h: float = 92.0) -> Block:
    gap = 10.0
    w = (TEXT_W - gap * (len(captions) - 1)) / len(captions)
    for caption in captions:
        _fit(caption, MINCHO, NOTE, w)

    def draw(c: Canvas, y: float) -> None:
        for i, caption in enumerate(captions):
            x = LEFT + i * (w + gap)
            _photo(c, x, y - 6.0, w, photo_h)
            c.setFont(MINCHO, NOTE)
            c.drawCentredString(x + w / 2, y - 6.0 - photo_h - 12.0, caption)

    return Block(6.0 + photo_h + 20.0, draw)


def _text_beside_photo(lines: Sequence[str], caption: str) -> Block:
    """Narrow text on the left, one photograph with its caption on the right."""
    col = TEXT_W * 0.62
    photo_x, photo_w, photo_h = LEFT + col + 14.0, TEXT_W - col - 14.0, 108.0
    text = _lines(lines, width=col)
    _fit(caption, MINCHO, NOTE, photo_w)

    def draw(c: Canvas, y: float) -> None:
        text.draw(c, y)
        _photo(c, photo_x, y - 2.0, photo_w, photo_h)
        c.setFont(MINCHO, NOTE)
        c.drawCentredString(photo_x + photo_w / 2, y - 2.0 - photo_h - 12.0, caption)

    return Block(max(text.height, photo_h + 22.0), draw)


def _title_block() -> Block:
    """The release head: framed spaced-letter title, era date and issuing bureaus on the right."""
    bureaus = ["国際局グローバルネットワーク推進課", "脱炭素・GREEN×EXPO 推進局戦略企画課"]
    date = "令 和 ６ 年 ６ 月 2 5 日"

    def draw(c: Canvas, y: float) -> None:
        c.setFont(MINCHO, 10.5)
        c.drawRightString(PAGE_W - RIGHT, y - 12.0, date)
        for i, bureau in enumerate(bureaus):
            c.drawRightString(PAGE_W - RIGHT, y - 30.0 - i * 15.0, bureau)
        c.setLineWidth(1.2)
        c.rect(LEFT, y - 88.0, 250.0, 34.0, stroke=1, fill=0)
        c.setFont(GOTHIC, 18.0)
        c.drawCentredString(LEFT + 125.0, y - 77.0, "横 浜 市 記 者 発 表 資 料")
        c.setLineWidth(1.0)

    return Block(100.0, draw)


def _title() -> Block:
    title = "山中 竹春 横浜市長がタイ・バンコクを訪問しました"
    subtitle = [
        "バンコク都、国連機関及びタイ政府機関とのトップ会談や脱炭素ワークショップの開催を通じ、",
        "アジア諸都市の脱炭素化連携を促進しました",
    ]
    _fit(title, GOTHIC, 16.0, TEXT_W)
    for line in subtitle:
        _fit(line, GOTHIC, 10.5, TEXT_W)

    def draw(c: Canvas, y: float) -> None:
        c.setFont(GOTHIC, 16.0)
        c.drawCentredString(PAGE_W / 2, y - 18.0, title)
        c.setFont(GOTHIC, 10.5)
        for i, line in enumerate(subtitle):
            c.drawCentredString(PAGE_W / 2, y - 40.0 - i * 15.0, line)
        c.line(LEFT, y - 66.0, PAGE_W - RIGHT, y - 66.0)

    return Block(76.0, draw)


def _schedule() -> Block:
    """Section 1: the trip's dates and a two-column table of the days."""
    rows = [
        (
            "６月 20 日（木）",
            ["・日本発、タイ着", "・バンコク都知事との両都市間連携等にかかるトップ会談"],
        ),
        (
            "６月 21 日（金）",
            [
                "・横浜・バンコク脱炭素ワークショップの共催・基調講演",
                "・バンコクエクスポ（BKK EXPO）への出席・スピーチ",
                "・在タイ日本国特命全権大使との面会",
                "・JICA タイ事務所長との面会",
                "・ESCAP 事務局長との会談",
                "・タイ工業省産業振興局長との会談",
                "・東部経済回廊（EEC）事務局長との会談",
                "・タイ発（夜）",
            ],
        ),
        ("6 月 22 日(土)", ["・日本着（早朝）"]),
    ]
    head = "１  期間および主な日程   令和６年６月 20 日（木）～６月 22 日（土） （１泊３日）"
    size, lead, pad, col1 = 10.0, 14.0, 5.0, 90.0
    _fit(head, GOTHIC, 11.0, TEXT_W)
    for date, items in rows:
        _fit(date, MINCHO, size, col1 - 2 * pad)
        for item in items:
            _fit(item, MINCHO, size, TEXT_W - col1 - 2 * pad)
    heights = [len(items) * lead + 2 * pad for _, items in rows]
    header_h = lead + 2 * pad

    def draw(c: Canvas, y: float) -> None:
        c.setFont(GOTHIC, 11.0)
        c.drawString(LEFT, y - 20.0, head)
        top = y - 30.0
        bottom = top - header_h - sum(heights)
        c.setLineWidth(0.6)
        c.rect(LEFT, bottom, TEXT_W, top - bottom, stroke=1, fill=0)
        c.line(LEFT + col1, top, LEFT + col1, bottom)
        c.setFont(GOTHIC, size)
        # Header cells hug the column rule, as in the release, so text extraction keeps them
        # on one line ("日程 内容"); likewise each date and its first item.
        c.drawRightString(LEFT + col1 - pad, top - pad - size, "日程")
        c.drawString(LEFT + col1 + pad, top - pad - size, "内容")
        row_top = top - header_h
        c.line(LEFT, row_top, PAGE_W - RIGHT, row_top)
        c.setFont(MINCHO, size)
        for (date, items), h in zip(rows, heights, strict=True):
            c.drawString(LEFT + pad, row_top - pad - size, date)
            for i, item in enumerate(items):
                c.drawString(LEFT + col1 + pad, row_top - pad - size - i * lead, item)
            row_top -= h
            c.line(LEFT, row_top, PAGE_W - RIGHT, row_top)

    return Block(30.0 + header_h + sum(heights) + 8.0, draw)


def _summary() -> list[Block]:
    """The lead paragraph and one marked point per meeting, as on the release's first page."""
    lead = [
        "山中 竹春 横浜市長がタイの首都バンコクを訪問し、トップ会談や脱炭素ワークショップの開",
        "催を通じて、アジアの都市の脱炭素化連携を促進するとともに、「GREEN×EXPO 2027」の",
        "成功に向けた協力を確認しました。",
    ]
    points = [
        (
            "バンコク都知事との両都市間連携等にかかるトップ会談",
            [
                "脱炭素化に向けて「都市」が果たす役割の重要性を共有し、両都市が進める脱炭素化施策に",
                "ついて協議するとともに、アジアの都市の脱炭素化に向けて連携していくことを確認しました。",
            ],
        ),
        (
            "横浜・バンコク脱炭素ワークショップの共催・基調講演",
            [
                "バンコク都と脱炭素ワークショップを共催し、横浜市の脱炭素分野の取組を講演するととも",
                "に、横浜企業をはじめ日本・タイ企業の脱炭素分野でのビジネスマッチングを支援しました。",
            ],
        ),
        (
            "バンコクエクスポ（BKK EXPO）への出席・スピーチ",
            [
                "バンコク都知事から招待を受け出席したエクスポにおいて、脱炭素社会に向けた市民協働の",
                "重要性等についてスピーチするとともに、「GREEN×EXPO 2027」の開催を PR しました。",
            ],
        ),
        (
            "国際連合（国連）アジア太平洋経済社会委員会（ESCAP）事務局長との会談",
            [
                "アジアの都市の脱炭素化や SDGｓの推進など、持続可能な都市開発に向けて、今後連携を強",
                "化していくことを確認しました。",
            ],
        ),
        (
            "タイ工業省産業振興局長との会談",
            ["横浜市アジア事務所を通じて経済交流を推進していくことを確認しました。"],
        ),
        (
            "タイ政府の経済特区である東部経済回廊（EEC）事務局長との会談",
            ["カーボンニュートラルな都市開発に向けて協力していくことを確認しました。"],
        ),
        (
            "在タイ日本国特命全権大使との面会",
            ["横浜市とバンコク都との都市間協力の促進に向けて、意見交換を行いました。"],
        ),
        (
            "JICA（国際協力機構）タイ事務所長との会談",
            ["脱炭素化などタイとの技術協力の一層の推進に向けて、意見交換を行いました。"],
        ),
    ]
    blocks = [_lines(lead, size=10.0, lead=14.5, before=4.0)]
    for point, text in points:
        blocks.append(_lines(["■ " + point], font=GOTHIC, size=10.0, lead=14.5, before=5.0))
        blocks.append(_lines(text, size=10.0, lead=14.5, x=LEFT + 10.0, width=TEXT_W - 10.0))
    return blocks


def _note(lines: Sequence[str]) -> Block:
    return _lines(lines, size=NOTE, lead=NOTE_LEAD, before=6.0)


def _sections() -> list[Block]:
    return [
        _heading("２  バンコク都知事との両都市間連携等にかかるトップ会談"),
        _text_beside_photo(
            [
                "横浜市とバンコク都は 10 年以上にわたる都市間協力※1",
                "を通じて信頼関係を構築し、昨年には、横浜においてアジア",
                "の都市の脱炭素化に向けた共同宣言（横浜宣言）を行い、",
                "44 の都市・政府機関の賛同を得ました。",
                "今回都知事と会談し、脱炭素化に向けて市民や企業に一",
                "番近い「都市」の果たす役割が重要であることを改めて共",
                "有するとともに、両都市が進める脱炭素化施策について協",
                "議を行いました。また、両首長がともに「包摂的成長のため",
                "の OECD チャンピオン・メイヤーズ※2」に選任されているこ",
                "とを踏まえ、アジアの都市の脱炭素化に向けて連携していく",
                "ことを確認しました。また、「GREEN×EXPO 2027」の成",
                "功に向け、PR を行いました。",
            ],
            "バンコク都知事との会談",
        ),
        _note(
            [
                "※1  バンコク都との都市間協力",
                "横浜市は、公民連携による国際技術協力として、２０１３年にバンコク都と都市間協力の覚書を締結。",
                "以来、国際協力機構（JICA）や環境省等の支援のもと、バンコク都の気候変動対策に関する計画策定",
                "の支援や、横浜企業の環境技術の紹介・導入（ビジネスマッチング）などの支援に継続的に取り組んで",
                "いる。",
            ]
        ),
        _note(
            [
                "※2  包摂的成長のための OECD チャンピオン・メイヤーズ（OECD Champion Mayors for",
                "Inclusive Growth）",
                "包摂的な成長の推進に取り組む世界の首長連合。横浜市長、バンコク都知事のほか、パリ市長、ロー",
                "マ市長など、現在 63 首長で構成。国際会議やウェブサイトでの発信などを通じ、包摂的成長に向けた",
                "協議・事例共有、政策提言等を行っている。",
            ]
        ),
        _heading("３  横浜・バンコク脱炭素ワークショップの共催・基調講演"),
        _lines(
            [
                "横浜市、バンコク都、日本国環境省、一般社団法人海外環境協力センター（OECC）の共催",
                "により、両国のビジネスセクターを交えた「横浜・バンコク 脱炭素都市間連携ワークショップ」を",
                "開催し、基調講演として、横浜市の脱炭素分野の取組を紹介しました。",
                "ワークショップでは、バンコク都が横浜市の支援のもと定めた「エネルギー・アクションプラン」",
                "（効率的なエネルギー使用に向けた行動計画）を新たに公表しました。また、横浜企業とタイ企",
                "業との脱炭素連携プロジェクト※3 が発表されるなど、日・タイ間のビジネス交流につながりまし",
                "た。",
            ],
            before=4.0,
        ),
        _photos(["基調講演", "エネルギー・アクションプランの発表", "ワークショップの様子"]),
        _note(
            [
                "※3  横浜企業とタイ企業との脱炭素連携プロジェクト",
                "今回、横浜企業の株式会社マクニカ（港北区）とタイで不動産開発や太陽光発電事業を営むセナ社",
                "が、タイ国内で初となるペロブスカイト太陽光発電の実証事業に向けた取組を発表。横浜市は、これま",
                "でバンコク都との都市間協力事業としてビジネスマッチングの機会を設け、企業間の交流を積極的に後",
                "押ししており、両社はこうした機会を活用して結びつきを深め、今回の発表につながった。",
            ]
        ),
        _heading("４  バンコクエクスポ（BKK EXPO）への出席・スピーチ"),
        _lines(
            [
                "バンコク都知事から招待を受け、環境分野をはじめバンコク都の重点施策を発信する大型",
                "展示会「バンコクエクスポ（BKK EXPO）」に出席し、脱炭素社会に向けた市民協働の重要性",
                "等についてスピーチしました。また、会場に横浜ブースを出展し、横浜の脱炭素化の取組や",
                "「GREEN×EXPO 2027」のプロモーションを行いました。",
            ],
            before=4.0,
        ),
        _photos(["スピーチ", "バンコク都知事と都市間協力を発信", "出展ブースでのプロモーション"]),
        _heading("５  国際連合（国連）アジア太平洋経済社会委員会（ESCAP）※4 事務局長との会談"),
        _lines(
            [
                "ESCAP 事務局長と面会し、横浜市の脱炭素分野の取組を紹介するとともに、脱炭素化や",
                "VLR（SDGｓに関する自発的自治体レビュー）を活用した SDGｓの推進など、アジアの都市の",
                "持続可能な開発に向け今後連携を強化していくことを確認しました。また、「ＧＲＥＥＮ×ＥＸＰＯ",
                "2027」や、ＥＳＣＡＰ主催の国際会議ＡＰＵＦ（アジア太平洋都市フォーラム）における協力につ",
                "いて、意見交換を行いました。",
                "併せて、気候変動対策など横浜市の取組についてＥＳＣＡＰからインタビューを受けました。",
                "今後、ESCAP のウェブサイトや国際会議等で発信される予定です。",
            ],
            before=4.0,
        ),
        _photos(
            ["横浜市の脱炭素施策を紹介", "ESCAP 事務局長との会談", "ＥＳＣＡＰからのインタビュー"]
        ),
        _note(
            [
                "※4  国際連合（国連）アジア太平洋経済社会委員会（ESCAP：United Nations Economic and",
                "Social Commission for Asia and the Pacific）",
                "国連経済社会理事会の地域委員会の一つで、アジア太平洋地域の経済発展、社会開発のための協",
                "力機関であり、域内外の経済関係を強化することを目的として設立された機関。横浜市は、同委員会が",
                "数年に一度開催している APUF（アジア太平洋都市フォーラム）で、持続可能な都市開発に関する知見",
                "を共有するなど連携。前回の第８回ＡＰＵＦ（2023 年 10 月・韓国）では、ＥＳＣＡＰがシティネット（アジ",
                "ア太平洋都市間協力ネットワーク）とともに、都市におけるＳＤＧｓ達成に向けた優良事例「ＳＤＧ都市ア",
                "ワード」を発表・表彰し、横浜市のＳＤＧｓ認証制度（Ｙ-ＳＤＧｓ）が「都市財政賞」を受賞。",
            ]
        ),
        _heading("６  タイ工業省産業振興局長との会談"),
        _text_beside_photo(
            [
                "タイ工業省産業振興局長と会談しました。同局内のオ",
                "フィススペースにデスクを置き活動している「横浜市アジ",
                "ア事務所」を通じて、環境分野を中心に横浜・タイの企業",
                "間のビジネス交流を進めていくことや、本市が毎年開催",
                "している「アジア・スマートシティ会議」などの機会を活用",
                "して連携していくことを確認しました。",
            ],
            "工業省産業振興局長との会談",
        ),
        _heading("７  東部経済回廊（EEC）事務局長との会談"),
        _text_beside_photo(
            [
                "タイ政府の重要戦略地域で、産業高度化政策を実現",
                "するために指定された東部３県にまたがる経済特区であ",
                "る東部経済回廊（ＥＥＣ）の本部を訪問し、事務局長とトッ",
                "プ会談を行いました。脱炭素先行地域に選定されている",
                "「みなとなみらい 21 地区」での取組など、横浜市の脱炭",
                "素化施策について共有するとともに、カーボンニュートラ",
                "ルな都市開発に向けて協力していくことを確認しました。",
            ],
            "EEC 事務局長との会談",
        ),
        _heading("８  在タイ日本国特命全権大使との面会"),
        _text_beside_photo(
            [
                "在タイ日本国特命全権大使と面会し、両国間の交流",
                "状況や現地情勢など最新情報についてお話をお伺いし",
                "ました。山中市長からは、横浜市の脱炭素分野の取組や",
                "「GREEN×EXPO 2027」について紹介するとともに、",
                "横浜とバンコク都との都市間協力の促進について、意見",
                "交換を行いました。",
            ],
            "在タイ日本国特命全権大使との面会",
        ),
        _heading("９  JICA（国際協力機構）タイ事務所長との面会"),
        _text_beside_photo(
            [
                "JICA タイ事務所長と面会し、タイへの日本の開発協",
                "力の動向についてお話をお伺いしました。山中市長から",
                "は、これまで JICA の協力のもとバンコク都との都市間",
                "協力を進めてきたことに改めて感謝をお伝えするととも",
                "に、脱炭素分野を中心にタイとの技術協力を一層推進し",
                "ていくことについて、意見交換を行いました。",
            ],
            "JICA タイ事務所長との面会",
        ),
    ]


def _contact() -> Block:
    """The framed contact box that closes the release (who to ask about which part)."""
    lines = [
        "（市長のタイ王国での行程全般及びバンコクとの都市間協力に関すること）",
        "国際局グローバルネットワーク推進課国際技術協力担当課長",
        "  中村 恭揚 Tel 045-671-4396",
        "（ESCAP との連携に関すること）",
        "国際局グローバルネットワーク推進課国際技術協力担当課長",
        "横内 宣明 Tel 045-671-4712",
        "（横浜市アジア事務所に関すること）",
        "国際局グローバルネットワーク推進課アジア大洋州担当課長",
        "千葉 愁子 Tel 045-671-４７１１",
        "（脱炭素分野の取組発信に関すること）",
        "脱炭素・ＧＲＥＥＮ×ＥＸＰＯ推進局戦略企画課グローバル担当課長",
        "         安養寺 智 Tel 045-671-4933",
    ]
    inner = _lines(lines, size=NOTE, lead=NOTE_LEAD, x=LEFT + 120.0, width=TEXT_W - 130.0)

    def draw(c: Canvas, y: float) -> None:
        c.rect(LEFT + 110.0, y - 16.0 - inner.height - 8.0, TEXT_W - 110.0, inner.height + 12.0)
        inner.draw(c, y - 16.0)

    return Block(16.0 + inner.height + 10.0, draw)


def _blocks() -> list[Block]:
    return [_title_block(), _title(), *_summary(), _schedule(), *_sections(), _contact()]


def render() -> bytes:
    """The PDF's bytes; the same on every run and every machine."""
    for font in (MINCHO, GOTHIC):
        if font not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(font))
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4, invariant=1, pageCompression=1)
    c.setDateFormatter(lambda *_: CREATED)
    c.setTitle("山中竹春横浜市長がタイ・バンコクを訪問しました")
    c.setAuthor("横浜市")
    c.setSubject("横浜市記者発表資料 令和6年6月25日")
    c.setCreator("citywatch tests/sites/build_pdf.py")
    c.setProducer("ReportLab PDF Library")
    y = PAGE_H - TOP
    for block in _blocks():
        if y - block.height < BOTTOM:
            c.showPage()
            y = PAGE_H - TOP
        block.draw(c, y)
        y -= block.height
    c.showPage()
    c.save()
    return out.getvalue()


def build(path: Path = PDF_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render())
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    if args.check:
        same = PDF_PATH.is_file() and PDF_PATH.read_bytes() == render()
        print(f"{PDF_PATH}: {'up to date' if same else 'differs; rerun without --check'}")
        return 0 if same else 1
    print(build())
    return 0


if __name__ == "__main__":
    sys.exit(main())
