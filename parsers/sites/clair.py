"""The national sister-city register kept by CLAIR (www.clair.or.jp), Japanese and English.

A detail page is one affiliation as labelled fields (自治体情報, 提携相手先情報, 提携情報), shown as
a two-column table in HTML and as `label value` lines or `| label | value |` rows in text copies.
Each page names its own local government, so the page, not the watch, says whose point of view
its records take. The affiliation is one programme dated by 提携年月日 with the partner's place
built from the page's own words (the gazetteer need not know a small town abroad: 国・地域名
gives its country); the narrative (提携の動機及び経過) is read by the shared extraction for the
dated trips it tells. The register's own errors are read as written.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import ClassVar

from citywatch.errors import ConfigError
from citywatch.model import Evidence, Page, Place, Programme, Record, Visit
from parsers.document.build import HtmlProfile
from parsers.document.model import Block, Document
from parsers.extract.localgov import LocalGov, resolve
from parsers.extract.places import country_code, find_places
from parsers.extract.records import extract_records
from parsers.sites.base import SiteParser
from parsers.text.dates import find_dates

__all__ = ["ClairParser", "Fields", "read_fields"]

# The register's field labels, Japanese then English, by the name the parser gives them.
# `other` fields are read only so that they end the field before them.
_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pref", ("都道府県名", "Prefecture")),
    ("gov", ("自治体名称", "Name of Local Government", "Local Government", "Municipality")),
    (
        "partner",
        ("提携相手先", "Partner Local Government", "Partner City", "Partner", "Sister City"),
    ),
    ("state", ("州・省・県", "State/Province", "State / Province", "State, Province", "State")),
    ("country", ("国・地域名", "Country/Region", "Country / Region", "Country")),
    ("date", ("提携年月日", "Date of Affiliation", "Affiliation Date", "Date Affiliated")),
    ("basis", ("提携日の根拠", "Basis for Date", "Basis of Date", "Reason for Date")),
    (
        "story",
        (
            "提携の動機及び経過",
            "Background and History",
            "Motive and Background",
            "Background",
            "History",
        ),
    ),
    ("profile", ("提携先の概要", "Overview of Partner", "Partner Overview", "Partner Profile")),
    (
        "other",
        (
            "ホームページアドレス",
            "提携委員会等の組織",
            "提携協定書の有無",
            "提携協定書の名称",
            "自治体情報",
            "提携相手先情報",
            "提携情報",
            "姉妹提携情報に戻る",
            "このページに関するお問い合",
            "Homepage",
            "Website",
            "URL",
        ),
    ),
)
# Fields whose value may run on over the following lines.
_RUNNING = frozenset({"story", "profile"})
_BY_LABEL = sorted(
    ((label, name) for name, labels in _LABELS for label in labels),
    key=lambda pair: -len(pair[0]),
)
_SEPARATOR = re.compile(r"^[\s|:\-]+$")
_NAMED = re.compile(r"^(?P<main>.*?)\s*[(（](?P<alt>[^()（）]*)[)）]\s*$")
_SLASHED = re.compile(r"(?P<y>\d{4})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<d>\d{1,2})")
_SENTENCE = re.compile(r"(?<=[。！？])|(?<=\.)\s+(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class Fields:
    """A detail page's labelled fields, as written (empty where the page leaves one blank)."""

    values: dict[str, str]
    lines: dict[str, str]  # the page's line each field was read from

    def get(self, name: str) -> str:
        return self.values.get(name, "")


def _label_of(text: str) -> tuple[str, str, str] | None:
    """(name, label, value) when the line opens with a field label."""
    for label, name in _BY_LABEL:
        if not text.startswith(label):
            continue
        rest = text[len(label) :]
        if rest and not (rest[0].isspace() or rest[0] in ":：" or not label.isascii()):
            continue  # `Partnership …` is no `Partner` field
        return name, label, rest.strip(" \t:：　")
    return None


def _cells(text: str) -> list[str] | None:
    """A table row's cells (`| 提携年月日 | 1990/01/18 |`, `提携年月日 | 1990/01/18`)."""
    if "|" not in text:
        return None
    return [c.strip() for c in text.strip().strip("|").split("|")]


def read_fields(doc: Document) -> Fields:
    """The labelled fields of a detail page; the first of a repeated label wins."""
    values: dict[str, str] = {}
    lines: dict[str, str] = {}
    running: str | None = None
    for block in doc.blocks:
        text = re.sub(r"^[-・*]\s+", "", block.text.strip())
        if not text or _SEPARATOR.match(text):
            continue
        cells = _cells(text)
        found = _label_of(cells[0]) if cells else _label_of(text)
        if cells and found is not None and found[2] == "":
            found = (found[0], found[1], " ".join(c for c in cells[1:] if c))
        if found is None:
            if running is not None:
                values[running] = f"{values[running]}\n{text}".strip()
            continue
        name, _, value = found
        running = None
        if name == "other" or name in values:
            continue
        values[name] = value
        lines[name] = text
        if name in _RUNNING:
            running = name
    return Fields(values, lines)


def _split_name(value: str) -> tuple[str, str]:
    """`松本市 (Matsumoto-shi)` -> ('松本市', 'Matsumoto-shi'); no brackets, no other name."""
    value = " ".join(value.split())
    if m := _NAMED.match(value):
        return m["main"].strip(), m["alt"].strip()
    return value, ""


def _attempts(fields: Fields) -> list[str]:
    pref, pref_alt = _split_name(fields.get("pref"))
    gov, gov_alt = _split_name(fields.get("gov"))
    if not gov:
        return []
    same = gov == pref
    tries = [] if gov.isascii() else [gov if same else pref + gov, gov]
    for name in (gov_alt, gov):
        if name and name.isascii():
            region = next(iter((pref_alt or pref).split()), "")
            tries += [name if same or not region.isascii() else f"{name} {region}", name]
            tries.append(name.split()[0])
    return [t for t in dict.fromkeys(tries) if t]


def own_government(fields: Fields) -> LocalGov | None:
    """The Japanese party of the affiliation, from 都道府県名 and 自治体名称 (or their romaji)."""
    for attempt in _attempts(fields):
        try:
            return resolve(attempt)
        except ConfigError:
            continue
    return None


def _iso(value: str) -> str | None:
    if m := _SLASHED.search(value):
        year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    spans = find_dates(value) if value else []
    return spans[0].start.iso() if spans and spans[0].start.year else None


def _country(fields: Fields) -> tuple[str, str | None]:
    name, alt = _split_name(fields.get("country"))
    code = (country_code(name) if name else None) or (country_code(alt) if alt else None)
    return name, code


def _programme(fields: Fields, gov: LocalGov) -> Programme | None:
    partner, partner_alt = _split_name(fields.get("partner"))
    if not partner:
        return None
    _, code = _country(fields)
    own, _ = _split_name(fields.get("gov"))
    basis = fields.get("basis")
    story = fields.get("story")
    return Programme(
        start=_iso(fields.get("date")),
        places=(Place(partner, code),),
        partners=tuple(dict.fromkeys(n for n in (own or gov.name, partner, partner_alt) if n)),
        title=f"{own or gov.name} – {partner}",
        summary=" ".join((basis or story).split())[:200],
        evidence=Evidence(
            when=fields.lines.get("date", ""),
            where=" / ".join(fields.lines[k] for k in ("partner", "country") if k in fields.lines),
            partners=fields.lines.get("partner", ""),
        ),
    )


def _story_visits(
    fields: Fields, programme: Programme, city: str, page: Page, heading: str
) -> list[Record]:
    """The dated trips the narrative tells, read by the shared extraction.

    The narrative may name the partner another way than its field (a long vowel more or
    less, `…ド` and `…ドー`), a town the gazetteer does not know: where such a word is a
    destination (`…に派遣`) it is marked with the partner's country for the reading, and
    the trip goes to that word."""
    story = fields.get("story")
    if not story:
        return []
    partner = programme.places[0]
    country, _ = _country(fields)
    words = _partner_words(partner.name, story) if country and partner.country else []
    marks = {f"{w}({country})": w for w in words}
    for word in words:
        story = re.sub(f"{re.escape(word)}(?=[にへを])", f"{word}({country})", story)
    out: list[Record] = []
    for step in _steps(story):
        # The partner and its country head each step, as a section heading the reading keeps.
        top = (Block("heading", 1, programme.title), Block("heading", 2, heading))
        blocks = (*top, *(Block("paragraph", 0, s) for s in step))
        doc = Document(title=programme.title, url=page.url, blocks=blocks)
        out += extract_records(doc, city=city, url=page.url)
    visits: list[Record] = []
    for record in out:
        if not isinstance(record, Visit) or record.start is None:
            continue  # the affiliation itself is the register's programme; trips are dated
        record = _unmarked(record, marks)
        if record.direction == "outbound":
            record = _to_partner(record, partner, words)
        if record not in visits:
            visits.append(record)
    return visits


_YEAR_FIRST = re.compile(
    r"^(?:\d{4}年|(?:昭和|平成|令和)\S{1,3}年|(?:In|On|From) .{0,20}\b\d{4}\b)"
)


def _steps(story: str) -> list[list[str]]:
    """The narrative's sentences in steps: a sentence opening with a year starts a step. A
    history told in one paragraph (`1988年11月…訪問。…1990年1月…派遣`) is several trips, each
    read with the sentences that follow it."""
    steps: list[list[str]] = []
    for line in story.split("\n"):
        for sentence in (s.strip() for s in _SENTENCE.split(line)):
            if not sentence:
                continue
            if not steps or _YEAR_FIRST.match(sentence):
                steps.append([])
            steps[-1].append(sentence)
    return steps


_KATAKANA = re.compile("[\u30a1-\u30fa\u30fc]{3,}")


def _partner_words(partner: str, story: str) -> list[str]:
    """Katakana words of the story sharing the partner field's opening word (at least three
    letters, long marks aside) that the place reader does not find by themselves."""
    head = _KATAKANA.match(partner)
    stem = head.group().rstrip("ー") if head else ""
    if len(stem) < 3:
        return []
    found = []
    for word in dict.fromkeys(_KATAKANA.findall(story)):
        bare = word.rstrip("ー")
        named = bare.startswith(stem) or stem.startswith(bare)
        if len(bare) >= 3 and named and not find_places(word):
            found.append(word)
    return sorted(found, key=len, reverse=True)


def _unmarked(visit: Visit, marks: dict[str, str]) -> Visit:
    """The record in the page's own words again, without the reading's country marks."""
    if not marks:
        return visit

    def clean(text: str) -> str:
        for marked, word in marks.items():
            text = text.replace(marked, word)
        return text

    evidence = Evidence(**{name: clean(text) for name, text in visit.evidence.items()})
    return dataclasses.replace(
        visit,
        title=clean(visit.title),
        summary=clean(visit.summary),
        participants=tuple(clean(p) for p in visit.participants),
        counterparts=tuple(clean(c) for c in visit.counterparts),
        evidence=evidence,
    )


def _to_partner(visit: Visit, partner: Place, words: list[str]) -> Visit:
    """A trip told with no place but the partner's country, or none at all, went to the
    partner: to the word its sentence names it by, else to the partner as the field names it."""
    bare = all(country_code(p.name) == p.country == partner.country for p in visit.places)
    if not bare:
        return visit
    said = " ".join((visit.evidence.direction, visit.evidence.when)).strip() or visit.summary
    word = next((w for w in words if w in said), None)
    if word is None and visit.places:
        return visit  # `南部地方を訪問`: the sentence's own place stands
    place = Place(word or partner.name, partner.country)
    counterparts = tuple(dict.fromkeys((*visit.counterparts, place.name)))
    return dataclasses.replace(visit, places=(place,), counterparts=counterparts)


class ClairParser(SiteParser):
    site = "clair"
    profile: ClassVar[HtmlProfile] = HtmlProfile(
        main=("#contents", "#main", "main", "article", "#content", ".contents"),
        drop=("#topicpath", ".breadcrumb", ".pankuzu", "#pagetop", ".pagetop", ".contact"),
        title=("#contents h1", "main h1", "h1"),
    )

    def refine(self, doc: Document, page: Page) -> Document:
        """A detail page's title is the template's; the affiliation names the page."""
        fields = read_fields(doc)
        own, partner = _split_name(fields.get("gov"))[0], _split_name(fields.get("partner"))[0]
        return dataclasses.replace(doc, title=f"{own} – {partner}") if own and partner else doc

    def city_of(self, doc: Document, page: Page) -> str | None:
        """The page's own local government; the watch's city only where the page names none."""
        gov = own_government(read_fields(doc))
        return gov.slug if gov is not None else page.city or self.default_city

    def extract(self, doc: Document, page: Page, city: str) -> list[Record]:
        fields = read_fields(doc)
        gov = own_government(fields) or resolve(city)
        programme = _programme(fields, gov)
        if programme is None:
            # Not the register's detail form (a listing, or a page laid out otherwise): read
            # as any page is, so a changed layout degrades to the shared reading, not to nothing.
            return extract_records(doc, city=city, url=page.url)
        country_name, _ = _country(fields)
        partner = programme.places[0].name
        heading = f"{partner} ({country_name})" if country_name else programme.title
        return [*_story_visits(fields, programme, city, page, heading), programme]
