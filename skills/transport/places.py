"""Places of the city in free text: addresses, streets, landmarks, stops and districts (how: see below)."""

# Streets, landmarks and districts come from gazetteer.yml, stops from network.yml. Names and messages are read
# into lemmas alike (engine.sdk.lemma), so any case form matches. Reading a message:
# 1. Words: prepositions, «номер», «имени» and kind words («улица», «остановка», «район») leave the name; a kind
#    word is remembered beside it. Stop words («такси», «завтра») and hours («в 10») stay as gaps matching nothing.
# 2. Names: each alias is looked for in a window of as many words, in any order («третья поликлиника»), exactly
#    or loosely (FUZZY_MIN_LENGTH). A street with a number after it (only «дом», «д.» between) is an address.
# 3. Ranking: more words covered («детская больница» over «больница», «Садовая 3» over the stop «Садовая»), then
#    a kind word beside the name, then an alias over a category («школа» fits every school), then the score.
#    Equal best candidates are AMBIGUOUS. A stop named after a landmark or district around it or «Улица X» is
#    that place unless «остановка» is said; a stop named just like a street («Садовая») is ambiguous. With no
#    place named, a home word («домой», «ко мне») is HOME: the caller knows the address.

from __future__ import annotations

import re
from dataclasses import astuple, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from engine.sdk import fold_spelling, lemma, load_lexicon, skill_lexicon

from .geo import Point, distance_km

ADDRESS, STREET, LANDMARK, STOP, DISTRICT = "address", "street", "landmark", "stop", "district"
FOUND, AMBIGUOUS, UNKNOWN, NO_SUCH_HOUSE, HOME = "found", "ambiguous", "unknown", "no_such_house", "home"

GAZETTEER_PATH = Path(__file__).resolve().parent / "gazetteer.yml"
NETWORK_PATH = GAZETTEER_PATH.with_name("network.yml")

# Loose matching: a word within a few Indel edits of a name word (rapidfuzz Indel.distance: a wrong letter is two
# edits, a missing one is one): 1 edit in words of up to 5 letters («вокзл», «цирку»), 2 up to 7 («вакзал»), 3
# beyond («гагарено»), ranked by fuzz.ratio (the same distance, normalised). Whole-word scorers only: partial_ratio
# and WRatio score a word inside a longer one near 100 («вокзал» in «автовокзал»), and those are other places.
# Five-letter words allow no wrong letter (such pairs abound: «труба», «труда»); shorter ones match only exactly.
# The first letter must be right: people rarely mistype it, and without that rule message words landed on names
# («после обеда» on «Победы», «генеральная» on «Центральный»). Nonsense and the words of the assistant's training
# messages stay out (the few that did not are stop words).
FUZZY_MIN_LENGTH = 5
TIE_MARGIN = 4.0  # two loose matches this close are a coin toss: the resident is asked
EXACT = 100.0
LEMMA_ONLY = 99.0  # the same lemma in another form: loses to the name as typed («Заречная» over «Заречный»)
OWNED_WITHIN_KM = {LANDMARK: 0.5, DISTRICT: 2.0}  # how far a stop named after a place may stand from it
MAX_CANDIDATES = 5
MAX_HOUSE_DIGITS = 4
_KIND_ORDER = {ADDRESS: 0, LANDMARK: 1, STOP: 2, STREET: 3, DISTRICT: 4}
ALIAS, CATEGORY = 1, 0  # tiers: a name of exactly this place, a word that fits several

_WORDS = skill_lexicon(__file__)
# A time («10:30»), a house («12», «5а», «12к2», «7/2»), or a word (any alphabet, hyphens inside).
_TOKEN = re.compile(r"\d{1,2}:\d{2}|\d+[^\W\d_]?\d*(?:/\d+)?|[^\W\d_]+(?:-[^\W\d_]+)*")
_HOUSE = re.compile(r"(\d+)([^\W\d_]?)(\d*)")
_ADDRESS_ID = re.compile(r"address:([a-z0-9_]+):(\d{1,4})([a-z]?)")

PREPOSITIONS, SKIP_WORDS, HOUSE_WORDS, NOT_HOUSE_AFTER, HOME_WORDS, STOP_WORDS = (
    frozenset(str(word) for word in _WORDS[f"place_{name}"])
    for name in ("prepositions", "skip_words", "house_words", "not_house_after", "home_words", "stop_words")
)
KIND_WORDS = {str(word): kind for kind in (STREET, STOP, DISTRICT) for word in _WORDS[f"place_{kind}_types"]}
HOME_PHRASES = tuple(" ".join(str(phrase).split()) for phrase in _WORDS["place_home_phrases"])
ORDINALS = {str(word): str(value) for word, value in _WORDS["place_ordinals"].items()}
NUMBER_WORDS = {**{str(word): str(value) for word, value in _WORDS["place_cardinals"].items()}, **ORDINALS}
HOUSE_LETTERS = {str(cyrillic): str(latin) for cyrillic, latin in _WORDS["place_house_letters"].items()}

_NAME, _NUMBER, _GAP, _PREPOSITION = "name", "number", "gap", "preposition"  # the roles of a message's words
_KIND, _SKIPPED, _ORDINAL = "kind", "skipped", "ordinal"  # _ORDINAL: the kind of a number said as an ordinal


@dataclass(frozen=True)
class Place:
    id: str  # ASCII, a button payload value: "address:lenina:5", "street:lenina", "stop:teatralnaya"
    kind: str  # ADDRESS | STREET | LANDMARK | STOP | DISTRICT
    title: str  # the Russian display title from the data
    point: Point


@dataclass(frozen=True)
class PlaceReading:
    status: str  # FOUND | AMBIGUOUS | UNKNOWN | NO_SUCH_HOUSE | HOME
    places: Tuple[Place, ...]  # FOUND: one; AMBIGUOUS: 2..5, best first; NO_SUCH_HOUSE: the street; else none
    house: str = ""  # NO_SUCH_HOUSE: the house number as typed


@dataclass(frozen=True)
class _Word:
    at: int  # position among the message's words
    text: str  # lower case, spelling folded
    key: str  # what names are matched on: the lemma, or the digits of a number
    role: str
    kind: str = ""  # _KIND: the kind of place the word names; _NUMBER: _ORDINAL or empty
    letter: str = ""  # a house letter («5а»)

    def is_in(self, vocabulary: FrozenSet[str]) -> bool:
        return self.text in vocabulary or self.key in vocabulary


@dataclass(frozen=True)
class _Street:
    id: str
    title: str
    first: int
    last: int
    start: Point
    end: Point

    def point_at(self, house: float) -> Point:
        share = (house - self.first) / max(self.last - self.first, 1)
        (lat, lon), (lat_end, lon_end) = astuple(self.start), astuple(self.end)
        return Point(lat + (lat_end - lat) * share, lon + (lon_end - lon) * share)


@dataclass(frozen=True)
class _Alias:
    keys: Tuple[str, ...]
    forms: FrozenSet[str]  # its words as written
    place: Place
    tier: int


@dataclass(frozen=True)
class _Candidate:
    place: Place
    covered: int  # words of the message the match takes
    hinted: bool  # a kind word beside it names its kind
    tier: int
    score: float
    house: str = ""  # NO_SUCH_HOUSE: the number typed

    def rank(self) -> Tuple[int, int, int, float, int]:
        return (-self.covered, -int(self.hinted), -self.tier, -self.score, _KIND_ORDER[self.place.kind])


def _read_word(at: int, raw: str) -> _Word:
    text = fold_spelling(raw)
    if ":" in text:
        return _Word(at, text, text, _GAP)
    if text[0].isdigit():
        digits, letter, building = _HOUSE.match(text).groups()  # type: ignore[union-attr]
        return _Word(at, text, digits, _NUMBER, letter="" if building else letter)
    key = lemma(text)
    if text in SKIP_WORDS or key in SKIP_WORDS:
        return _Word(at, text, key, _SKIPPED)
    if text in PREPOSITIONS:
        return _Word(at, text, key, _PREPOSITION)
    kind = KIND_WORDS.get(text) or KIND_WORDS.get(key)
    if kind:
        return _Word(at, text, key, _KIND, kind=kind)
    if key in NUMBER_WORDS:
        return _Word(at, text, NUMBER_WORDS[key], _NUMBER, kind=_ORDINAL if key in ORDINALS else "")
    if text in STOP_WORDS or key in STOP_WORDS:
        return _Word(at, text, key, _GAP)
    return _Word(at, text, key, _NAME)


def _read_words(text: str) -> List[_Word]:
    """The words of a message with their roles; numbers that are hours become gaps."""
    # Before «час», «утра», or after a preposition and not before a name: «в 10», not «к 5 школе», «к 3-й ...».
    words = [_read_word(at, raw) for at, raw in enumerate(_TOKEN.findall(str(text or "").lower()))]
    for at, word in enumerate(words):
        after = words[at + 1] if at + 1 < len(words) else _Word(at + 1, "", "", _GAP)
        named = word.kind == _ORDINAL or after.role == _NAME
        after_preposition = at > 0 and words[at - 1].role == _PREPOSITION and not named
        if word.role == _NUMBER and (after_preposition or after.is_in(NOT_HOUSE_AFTER)):
            words[at] = _Word(at, word.text, word.key, _GAP)
    return words


def _windows(keys: Tuple[str, ...], scores: Sequence[Dict[str, float]]) -> Iterator[Tuple[int, int, float]]:
    """(start, end, mean score) of every window of len(keys) content words holding all the keys, in any order."""
    size = len(keys)
    for start in range(len(scores) - size + 1):
        free = list(range(start, start + size))
        total = 0.0
        for key in keys:
            score, at = max((scores[i].get(key, 0.0), i) for i in free)
            if score <= 0:
                break
            free.remove(at)
            total += score
        else:
            yield start, start + size, total / size


def _kinds_beside(words: Sequence[_Word], first: int, last: int) -> Set[str]:
    """The kinds named by the outermost kind word before and after a name: inner ones belong to the name."""
    kinds = set()
    for start, step in ((first - 1, -1), (last + 1, 1)):
        at, outer = start, ""
        while 0 <= at < len(words) and words[at].role == _KIND:
            outer, at = words[at].kind, at + step
        kinds.add(outer)
    return kinds


def _says_home(words: Sequence[_Word]) -> bool:
    following = [*(word.role for word in words[1:]), _GAP]  # «дом 5» is part of an address
    bare = any(
        word.is_in(HOME_WORDS) and role != _NUMBER for word, role in zip(words, following, strict=False)
    )
    return bare or any(
        f" {phrase} " in f" {' '.join(word.text for word in words)} " for phrase in HOME_PHRASES
    )


@dataclass
class Gazetteer:
    """The places of one gazetteer and network, indexed for reading."""

    stop_title: str
    places: Dict[str, Place] = field(default_factory=dict)
    streets: Dict[str, _Street] = field(default_factory=dict)
    aliases: List[_Alias] = field(default_factory=list)
    by_key: Dict[str, List[int]] = field(default_factory=dict)
    exact: Dict[str, Set[str]] = field(default_factory=dict)  # a form of an alias word -> its keys
    fuzzy: Dict[str, List[Tuple[str, str]]] = field(default_factory=dict)  # first letter -> [(form, key)]
    owned_stops: Set[str] = field(default_factory=set)  # stops that are the place they are named after

    @classmethod
    def load(cls, gazetteer_path: Path, network_path: Path) -> Gazetteer:
        data = load_lexicon(gazetteer_path)
        city = cls(stop_title=str(data["stop_title"]))
        for street_id, street in data["streets"].items():
            (first, last), (start, end) = street["houses"], street["ends"]
            record = _Street(street_id, street["title"], int(first), int(last), Point(*start), Point(*end))
            city.streets[street_id] = record
            middle = record.point_at((record.first + record.last) / 2)
            city._add(Place(f"{STREET}:{street_id}", STREET, record.title, middle), street["names"], ALIAS)
        for kind, section in ((LANDMARK, "landmarks"), (DISTRICT, "districts")):
            for place_id, entry in data[section].items():
                place = Place(f"{kind}:{place_id}", kind, entry["title"], Point(*entry["at"]))
                city._add(place, entry["aliases"], ALIAS)
                city._add(place, entry.get("categories", ()), CATEGORY)
        street_names = {alias.keys for alias in city.aliases if alias.place.kind == STREET}
        owners = [a for a in city.aliases if a.tier == ALIAS and a.place.kind in OWNED_WITHIN_KM]
        for stop in load_lexicon(network_path)["stops"]:
            title = city.stop_title.format(name=stop["name"])
            place = Place(f"{STOP}:{stop['id']}", STOP, title, Point(float(stop["lat"]), float(stop["lon"])))
            city._add(place, [stop["name"]], ALIAS)
            keys, kinds = city.aliases[-1].keys, {word.kind for word in _read_words(stop["name"])}
            named_after = any(
                o.keys == keys and distance_km(o.place.point, place.point) <= OWNED_WITHIN_KM[o.place.kind]
                for o in owners
            )
            if (STREET in kinds) if keys in street_names else named_after:  # «Улица Ленина» is the street
                city.owned_stops.add(place.id)
        return city

    def _add(self, place: Place, phrases: Iterable[str], tier: int) -> None:
        if not place.id.isascii():
            raise ValueError(f"place id {place.id!r} is not ASCII")
        self.places[place.id] = place
        for phrase in phrases:
            words = [word for word in _read_words(str(phrase)) if word.role in (_NAME, _NUMBER)]
            if not words:
                continue
            keys = tuple(word.key for word in words)
            self.aliases.append(_Alias(keys, frozenset(word.text for word in words), place, tier))
            for key in keys:
                self.by_key.setdefault(key, []).append(len(self.aliases) - 1)
            for form, key in {
                **{key: key for key in keys},
                **{word.text: word.key for word in words},
            }.items():
                if key not in self.exact.setdefault(form, set()):
                    self.exact[form].add(key)
                    if len(form) >= FUZZY_MIN_LENGTH - 1 and not form.isdigit():  # «цирку» is «цирк»
                        self.fuzzy.setdefault(form[0], []).append((form, key))

    def _scores(self, word: _Word) -> Dict[str, float]:
        """{alias word key: how well the word matches it}: exact, or else within a few Indel edits of whole words
        with the first letter kept, scored by fuzz.ratio (why these scorers: the comment at FUZZY_MIN_LENGTH)."""
        if word.role == _NUMBER:
            return {word.key: EXACT}
        if word.role != _NAME:
            return {}
        forms = {word.text, word.key}
        found = {key: EXACT for form in forms for key in self.exact.get(form, ())}
        if found or len(word.text) < FUZZY_MIN_LENGTH:
            return found
        pairs = self.fuzzy.get(word.text[0], [])
        choices = [known for known, _ in pairs]
        for form in forms:
            edits = 1 if len(form) <= 5 else 2 if len(form) <= 7 else 3
            for choice, _, at in process.extract(form, choices, scorer=Indel.distance, score_cutoff=edits):
                found[pairs[at][1]] = max(found.get(pairs[at][1], 0.0), fuzz.ratio(form, choice))
        return found

    def _candidates(self, words: List[_Word]) -> Iterator[_Candidate]:
        content = [word for word in words if word.role in (_NAME, _NUMBER, _GAP)]
        scores = [self._scores(word) for word in content]
        indexes = {index for found in scores for key in found for index in self.by_key.get(key, ())}
        unknown = {
            word.at for word, found in zip(content, scores, strict=True) if word.role == _NAME and not found
        }
        for alias in (self.aliases[index] for index in sorted(indexes)):
            for start, end, score in _windows(alias.keys, scores):
                first, last = content[start].at, content[end - 1].at
                typed = all(word.text in alias.forms for word in content[start:end])
                kind = alias.place.kind
                around = [content[at].role for at in (start - 1, end) if 0 <= at < len(content)]
                if first - 1 in unknown or (
                    kind != STREET and _NUMBER in around
                ):  # «гостиница Россия», «школа 7»
                    continue  # a place we do not know
                if alias.tier == CATEGORY and {first - 1, last + 1} & unknown:  # «ТЦ Мега»
                    continue
                hinted = kind in _kinds_beside(words, first, last)
                if kind == STOP and alias.place.id in self.owned_stops and not hinted:
                    continue
                points = score if typed or score < EXACT else LEMMA_ONLY
                candidate = _Candidate(alias.place, end - start, hinted, alias.tier, points)
                if kind == STREET:
                    candidate = self._with_house(candidate, words, last)
                yield candidate

    def _with_house(self, street: _Candidate, words: List[_Word], last: int) -> _Candidate:
        """The street's candidate as an address when a house number follows it."""
        for word in words[last + 1 :]:
            if word.role in (_SKIPPED, _KIND) or (word.role == _NAME and word.text in HOUSE_WORDS):
                continue
            if word.role != _NUMBER or len(word.key) > MAX_HOUSE_DIGITS:
                return street
            record = self.streets[street.place.id.split(":", 1)[1]]
            address = self._address(record, int(word.key), word.letter)
            if address is None:
                return replace(street, covered=street.covered + 1, house=word.text)
            return replace(street, place=address, covered=street.covered + 1)
        return street

    def _address(self, street: _Street, house: int, letter: str) -> Optional[Place]:
        if not street.first <= house <= street.last:
            return None
        latin = HOUSE_LETTERS.get(letter, "")
        title = f"{street.title}, {house}{letter if latin else ''}"
        return Place(f"{ADDRESS}:{street.id}:{house}{latin}", ADDRESS, title, street.point_at(house))

    def read(self, text: str) -> PlaceReading:
        words = _read_words(text)
        best: Dict[str, _Candidate] = {}  # the best reading of each place, in rank order
        for candidate in sorted(self._candidates(words), key=_Candidate.rank):
            best.setdefault(candidate.place.id, candidate)
        ranked = list(best.values())
        if not ranked:
            return PlaceReading(HOME if _says_home(words) else UNKNOWN, ())
        top = ranked[0]
        margin = 0.0 if top.score >= LEMMA_ONLY else TIE_MARGIN
        tied = [c for c in ranked if c.rank()[:3] == top.rank()[:3] and c.score >= top.score - margin]
        if len(tied) > 1:
            return PlaceReading(AMBIGUOUS, tuple(c.place for c in tied[:MAX_CANDIDATES]))
        return PlaceReading(NO_SUCH_HOUSE if top.house else FOUND, (top.place,), top.house)

    def by_id(self, place_id: str) -> Optional[Place]:
        match = _ADDRESS_ID.fullmatch(place_id or "")
        if match is None:
            return self.places.get(place_id)
        street = self.streets.get(match.group(1))
        letters = {latin: cyrillic for cyrillic, latin in HOUSE_LETTERS.items()}
        if street is None or (match.group(3) and match.group(3) not in letters):
            return None
        return self._address(street, int(match.group(2)), letters.get(match.group(3), ""))

    def near(self, point: Point, kinds: Sequence[str], limit: int) -> List[Place]:
        pool = [place for place in self.places.values() if place.kind in kinds]
        return sorted(pool, key=lambda place: distance_km(point, place.point))[: max(limit, 0)]


@lru_cache(maxsize=1)
def city() -> Gazetteer:
    """The skill's gazetteer and network, read and indexed once per process."""
    return Gazetteer.load(GAZETTEER_PATH, NETWORK_PATH)


def read_place(text: str) -> PlaceReading:
    """The place named in a message or an extracted entity value (how: the comment atop this module)."""
    return city().read(text)


def place_by_id(place_id: str) -> Optional[Place]:
    """The place of an id, addresses rebuilt from theirs; None for an unknown id or a house the street lacks."""
    return city().by_id(place_id)


def street_houses(place_id: str) -> Optional[Tuple[int, int]]:
    """The first and last house of the street of a "street:" or "address:" id (for NO_SUCH_HOUSE answers)."""
    parts = (place_id or "").split(":")
    street = city().streets.get(parts[1]) if len(parts) > 1 and parts[0] in (STREET, ADDRESS) else None
    return (street.first, street.last) if street else None


def places_near(point: Point, kinds: Sequence[str], limit: int) -> List[Place]:
    """The `limit` places of the given kinds nearest to `point` (a street by its midpoint), nearest first."""
    return city().near(point, kinds, limit)
