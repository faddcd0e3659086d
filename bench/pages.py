"""Synthetic Saitama-template pages: deterministic, Japanese, 20–40 KB, with dated visit sections.

Page `i` at version `v` is a pure function of (seed, i, v): the same arguments give the same bytes
on every machine. A higher version adds newer visit sections at the top of the body, the way a
history page grows when the city reports a new trip.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from html import escape

__all__ = ["MAX_BYTES", "MIN_BYTES", "RenderedPage", "page_path", "render_page"]

MIN_BYTES = 20 * 1024
MAX_BYTES = 40 * 1024
_BASE_TIME = datetime(2024, 4, 1, 9, 0, tzinfo=UTC)
_WEEKDAYS = "月火水木金土日"

# Fictional people and real places (the places are what a gazetteer should resolve).
_MAYOR = "大宮一郎 さいたま市長"
_OFFICIALS = (
    "浦和次郎 副市長",
    "岩槻花子 副市長",
    "さいたま市環境局長",
    "さいたま市都市戦略本部長",
)
_ABROAD = (
    ("マレーシア・クアラルンプール市", "クアラルンプール市長"),
    ("タイ・バンコク都", "バンコク都知事"),
    ("ベトナム・ダナン市", "ダナン市人民委員会副委員長"),
    ("ドイツ・ボン市", "ボン市長"),
    ("ドイツ・フライブルク市", "フライブルク市長"),
    ("スイス・バーゼル市", "バーゼル市長"),
    ("中国・北京市", "北京市副市長"),
    ("韓国・水原市", "水原市長"),
    ("フィリピン・マニラ市", "マニラ市長"),
    ("インドネシア・ジャカルタ特別州", "ジャカルタ特別州副知事"),
    ("アメリカ合衆国・トレド市", "トレド市長"),
    ("メキシコ・ネサワルコヨトル市", "ネサワルコヨトル市長"),
    ("オーストラリア・ゴールドコースト市", "ゴールドコースト市長"),
    ("カナダ・ハミルトン市", "ハミルトン市長"),
)
_EVENTS = (
    "都市間連携に関する協議",
    "環境分野の国際会議への出席",
    "友好都市提携周年記念式典",
    "脱炭素都市フォーラム",
    "スマートシティ国際見本市",
    "上下水道分野の技術交流",
    "青少年交流事業の打合せ",
)
_PROSE = (
    "両市のこれまでの交流を振り返るとともに、今後の協力の方向性について意見交換を行いました。",
    "本市の電気自動車普及施策や再生可能エネルギーの取組を紹介し、参加者から高い関心が寄せられました。",
    "会議では、各都市の首長や専門家が優良事例を共有し、持続可能な都市づくりについて議論しました。",
    "市内企業の技術を紹介するトップセールスを行い、今後の具体的な事業化に向けた協議を進めることを確認しました。",
    "訪問団は市内の環境関連施設を視察し、廃棄物処理や省エネルギーの取組について説明を受けました。",
    "式典では両市の代表が挨拶を行い、市民レベルでの交流をさらに深めていくことを誓い合いました。",
    "今回の訪問を契機として、職員の相互派遣や技術研修の実施についても検討を進めていきます。",
    "意見交換の後、記念品の交換を行い、両市の友好関係を一層強固なものとすることを確認しました。",
    "現地では日系企業や関係機関とも面会し、投資環境や人材交流の現状について情報を収集しました。",
    "両市は、環境、防災、教育の各分野において、実務者レベルの協議を定期的に開催することで合意しました。",
    "本市からは、これまでの都市間連携事業の成果を報告し、次年度以降の事業計画案を説明しました。",
    "同行した市内大学の研究者が、大気環境の改善に関する共同研究の進捗について発表を行いました。",
)
_NAV = (
    "市政情報",
    "くらし・手続き",
    "子育て・教育",
    "健康・福祉",
    "観光・イベント",
    "ビジネス・産業",
)


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """One page as a server sends it."""

    path: str
    body: bytes
    etag: str
    last_modified: str  # an HTTP date
    last_modified_ts: float
    visits: int


def page_path(index: int) -> str:
    """The page's path on the synthetic host, Saitama-style."""
    return f"/001/{index // 1000:03d}/{index // 100 % 10:03d}/p{100000 + index}.html"


def _reiwa(day: date) -> str:
    year = day.year - 2018
    era = f"令和{'元' if year == 1 else year}年"
    return f"{era}{day.month}月{day.day}日({_WEEKDAYS[day.weekday()]}曜日)"


def _month_heading(day: date) -> str:
    year = day.year - 2018
    return f"令和{'元' if year == 1 else year}年{day.month}月"


def _visit(rng: random.Random, start: date) -> str:
    """One dated visit section: h3 title, the numbered fields, then prose."""
    place, counterpart = rng.choice(_ABROAD)
    event = rng.choice(_EVENTS)
    end = start + timedelta(days=rng.randint(0, 4))
    when = _reiwa(start) if end == start else f"{_reiwa(start)}~{_reiwa(end)}"
    city = place.split("・")[-1]
    if rng.random() < 0.7:  # outbound: our people go abroad
        who = _MAYOR if rng.random() < 0.6 else rng.choice(_OFFICIALS)
        fields = f"1　日　　　時　{when}<br>\n2　出 席 者　{who}<br>\n3　場　　　所　{place}"
        title = f"{city}における{event}"
    else:  # inbound: a delegation visits the city
        fields = (
            f"1　日　　　時　{when}<br>\n2　訪 問 者　{counterpart} 一行<br>\n"
            "3　場　　　所　さいたま市役所"
        )
        title = f"{counterpart}の表敬訪問"
    prose = "".join(f"<p>{''.join(rng.sample(_PROSE, 2))}</p>\n" for _ in range(rng.randint(2, 4)))
    image = rng.randint(1, 9999)
    return (
        f"<h3>{escape(title)}</h3>\n<p>{fields}</p>\n{prose}"
        f'<p><img src="/images/bench/{image}.jpg" alt="{escape(title)}" width="400" height="267">'
        f"<br>\n↑{escape(counterpart)}(左)との会談の様子</p>\n"
    )


def _chrome_top(title: str, number: int, updated: date) -> str:
    nav = "".join(f'<li><a href="/00{k + 1}/index.html">{n}</a></li>' for k, n in enumerate(_NAV))
    return (
        '<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
        f"<title>さいたま市／{escape(title)}</title>\n"
        '<link rel="stylesheet" href="/css/common.css">\n</head>\n<body>\n<div id="pagetop">\n'
        '<div id="jump_link"><span class="skip">ページの先頭です。</span> '
        '<a class="skip" href="#gnavi">メインメニューへ移動</a></div>\n'
        '<header id="header"><div id="header_logo"><a href="/">さいたま市</a></div>\n'
        f'<nav id="gnavi"><ul>{nav}</ul></nav></header>\n'
        '<div id="pankuzu"><ol><li><a href="/">トップページ</a></li>'
        '<li><a href="/001/index.html">市政情報</a></li>'
        f"<li>{escape(title)}</li></ol></div>\n"
        '<div id="content_area">\n<div id="contents">\n'
        '<p class="skip"><a id="CONT">ページの本文です。</a></p>\n'
        f'<p class="page_number">更新日付：{updated.year}年{updated.month}月{updated.day}日'
        f" / ページ番号：C{number:06d}</p>\n"
        f'<div id="content_ttl_area"><h1>{escape(title)}</h1></div>\n'
        '<div class="print_btn"><a href="javascript:void(0);">このページを印刷する</a></div>\n'
        '<div class="content_in">\n<!--WYSIWYG-->\n<div class="wysiwyg_area">\n'
    )


def _chrome_bottom(rng: random.Random, number: int) -> str:
    related = "".join(
        f'<li><a href="{page_path(rng.randrange(5000))}">関連ページ{k + 1}</a></li>'
        for k in range(4)
    )
    side = "".join(
        f'<li><a href="/005/{k:03d}/index.html">イベント情報{k}</a></li>' for k in range(12)
    )
    return (
        "</div>\n<!--/WYSIWYG-->\n"
        f'<h2 class="ttl_type5">関連リンク</h2>\n<ul class="objectlink">{related}</ul>\n</div>\n'
        '<h2 class="ttl_contact">この記事についてのお問い合わせ</h2>\n<div class="contact_box">'
        "<p>都市戦略本部/国際交流担当<br>電話番号：048-829-0000　ファックス：048-829-0001</p>"
        f'<p class="contact_form"><a href="/mail/form.html?code=C{number:06d}">お問い合わせフォーム'
        "</a></p></div>\n</div>\n"
        '<div id="sidebar"><div class="side_box"><h2>イベント情報</h2>'
        f"<ul>{side}</ul></div></div>\n"
        '</div>\n<footer id="footer"><ul class="footer_links">'
        '<li><a href="/access.html">ウェブアクセシビリティ方針</a></li>'
        '<li><a href="/privacy.html">個人情報の取扱い</a></li></ul>'
        "<address>さいたま市役所　〒330-9588　さいたま市浦和区常盤6丁目4番4号</address>"
        "<p><small>Copyright &copy; Saitama City. All rights reserved.</small></p></footer>\n"
        "</div>\n</body>\n</html>\n"
    )


def render_page(seed: int, index: int, version: int = 0) -> RenderedPage:
    """Page `index` of the site seeded `seed`, at `version` (0 = as first published)."""
    rng = random.Random(f"citywatch-bench:{seed}:{index}")
    target = rng.randint(MIN_BYTES + 2048, MAX_BYTES - 4096)
    title = f"さいたま市の国際交流の取組({index + 1})"
    number = 100000 + index
    newest = date(2024, 3, 1) - timedelta(days=rng.randrange(0, 200))
    # Newer versions put their sections first, dated after the newest original one.
    extra_rng = random.Random(f"citywatch-bench:{seed}:{index}:v{version}")
    fresh = [newest + timedelta(days=20 * (version - k)) for k in range(version)]
    top = _chrome_top(title, number, fresh[0] if fresh else newest)
    bottom = _chrome_bottom(rng, number)
    parts: list[str] = []
    size = len(top.encode()) + len(bottom.encode())
    visits = 0
    for day in fresh:
        section = f"<h2>{_month_heading(day)}</h2>\n{_visit(extra_rng, day)}"
        parts.append(section)
        size += len(section.encode())
        visits += 1
    day, month = newest, None
    while size < target:
        heading = ""
        if (day.year, day.month) != month:
            month = (day.year, day.month)
            heading = f"<h2>{_month_heading(day)}</h2>\n"
        section = heading + _visit(rng, day)
        parts.append(section)
        size += len(section.encode())
        visits += 1
        day -= timedelta(days=rng.randint(9, 45))
        if day < date(2019, 5, 1):
            day = date(2024, 3, 1)
    body = (top + "".join(parts) + bottom).encode()
    stamp = _BASE_TIME + timedelta(days=version)
    return RenderedPage(
        path=page_path(index),
        body=body,
        etag=f'"bench-{seed}-{index}-{version}-{len(body):x}"',
        last_modified=format_datetime(stamp, usegmt=True),
        last_modified_ts=stamp.timestamp(),
        visits=visits,
    )
