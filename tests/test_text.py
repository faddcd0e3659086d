"""normalize and squeeze_spaced: one spelling for what pages write many ways."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from parsers.text.normalize import RANGE_MARK, normalize, squeeze_spaced

BOUNDED = settings(max_examples=200, deadline=None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # PDF text: every letter and digit spaced out, full-width digits.
        ("令 和 ６ 年 ６ 月 2 5 日", "令和6年6月25日"),
        ("６月 20 日（木）", "6月20日(木)"),
        ("令和６年６月 20 日（木）～６月 22 日（土）", "令和6年6月20日(木)~6月22日(土)"),
        ("2023 年 10 月・韓国", "2023年10月・韓国"),
        ("令和 元 年 10 月", "令和元年10月"),
        ("平成 25 年 度", "平成25年度"),
        ("２ ０ ２ ４ 年", "2024年"),
        # Every range mark becomes one.
        ("10月27日(火曜)〜11月2日(月曜)", "10月27日(火曜)~11月2日(月曜)"),
        ("6月20日～22日", "6月20日~22日"),
        ("6月20日 ~ 22日", "6月20日~22日"),
        ("7/27(木)–8/2(水)", "7/27(木)~8/2(水)"),
        ("11月1日－4日", "11月1日~4日"),
        ("2023年10月‐12月", "2023年10月~12月"),
        # Full-width letters, punctuation and the ideographic space.
        ("ＳＤＧｓ　ＡＰＵＦ（２０２３）", "SDGs APUF(2023)"),
        ("更新日付：2025年10月30日", "更新日付:2025年10月30日"),
        # Half-width katakana becomes full-width, voiced marks included.
        ("ｶﾞｲﾄﾞﾌﾞｯｸ", "ガイドブック"),
        # Era dates in kanji numerals.
        ("令和六年六月二十五日", "令和6年6月25日"),
        ("平成三十一年度", "平成31年度"),
        ("令和元年十月", "令和元年10月"),
        ("平 成 十 二 年 一 月 一 日", "平成12年1月1日"),
        # Era ligatures spell out.
        ("㍻25年", "平成25年"),
        # Line structure stays; spaces collapse; line edges are trimmed.
        ("  見出し  \r\n  本文　　です \r\n", "見出し\n本文 です\n"),
    ],
)
def test_normalize_examples(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "kept",
    [
        "Tel 045-671-4396",  # a phone number's dashes are not ranges
        "ページID:205-201-551",
        "〒220-0012 横浜市",
        "2023-10-27",  # nor an ISO date's
        "バンコクエクスポー",  # ー is a letter, never a range mark
        "山中 竹春 横浜市長",  # a space between names stays
        "GREEN×EXPO 2027",
        "10年以上にわたる",
        "①会議 ㈱マクニカ ㎡",  # NFKC would rewrite these; we do not
        "午後1時15分~午後1時58分",
        "平成25年11月15日作成 - 平成25年11月18日更新",  # a dash between words, not dates
        "十日町市と一月寺",  # numerals inside words are no dates
        "令和十十年",
        "バーデン＝バーデン市",  # the full-width equals joins a name's halves: not a date's
    ],
)
def test_normalize_leaves_alone(kept: str) -> None:
    assert normalize(kept) == kept


def test_field_label_is_not_joined_to_its_number() -> None:
    # `1 日 時` is field 1, 日時 (date and time); joining it would read as the 1st.
    assert normalize("1 日   時 令和2年2月28日(金曜日)") == "1 日 時 令和2年2月28日(金曜日)"


def test_wave_dash_from_pdf_extraction_is_a_range_mark() -> None:
    # pdfminer renders ～ (U+FF5E) as 〜 (U+301C); both must read alike.
    assert normalize("\uff5e") == normalize("\u301c") == RANGE_MARK


def test_spaced_digits_only_join_when_they_read_as_a_date() -> None:
    assert normalize("1 2 3 日") == "1 2 3日"  # three digits are no day of the month
    assert normalize("表 1 2") == "表 1 2"


_DATEISH = st.text(
    alphabet=st.sampled_from(
        list("0123456789０１２３ 　~～〜-－–年月日度令和平成元時(（)）木金曜・\nｶﾞ")
    ),
    max_size=40,
)


@BOUNDED
@given(st.text(max_size=200))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@BOUNDED
@given(_DATEISH)
def test_normalize_is_idempotent_on_date_like_text(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@BOUNDED
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
        | st.characters(min_codepoint=0x3041, max_codepoint=0x30FA),
        max_size=50,
    )
)
def test_normalize_keeps_kana_and_kanji(text: str) -> None:
    # Only an era date written in kanji numerals (平成三年) is rewritten.
    assume(re.search("(令和|平成|昭和|大正|明治)[元〇一二三四五六七八九十]", text) is None)
    assert normalize(text) == text


@BOUNDED
@given(st.text(max_size=100))
def test_normalize_keeps_line_count(text: str) -> None:
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    for sep in ("\u2028", "\u2029", "\x85"):
        lines = lines.replace(sep, "\n")
    assert normalize(text).count("\n") == lines.count("\n")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("横 浜 市 記 者 発 表 資 料", "横浜市記者発表資料"),
        ("2 出 席 者 清水勇人 さいたま市長", "2 出席者 清水勇人 さいたま市長"),
        ("1 日　　時 令和2年2月28日", "1 日時 令和2年2月28日"),
        ("3 場   所 さいたま市役所内", "3 場所 さいたま市役所内"),
        ("山中 竹春 横浜市長", "山中 竹春 横浜市長"),
        ("横浜市 と バンコク都", "横浜市 と バンコク都"),
        ("出 席 者\n場 所", "出席者\n場所"),
    ],
)
def test_squeeze_spaced(raw: str, expected: str) -> None:
    assert squeeze_spaced(raw) == expected


@BOUNDED
@given(st.text(alphabet=st.sampled_from(list("日時出席者場所 　山中竹春\n1a")), max_size=40))
def test_squeeze_spaced_is_idempotent(text: str) -> None:
    once = squeeze_spaced(text)
    assert squeeze_spaced(once) == once
