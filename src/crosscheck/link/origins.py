"""Independent origins: who a claim really comes from, so that echoes are not counted twice.

Five outlets quoting the White House are one origin, and so are the White House's
spokesman and "intelligence received by the White House". A claim's origin is its
*principal*: the party whose position the words are.

- A government body speaks for its country: "Arvenia's Interior Ministry", "the Arvenian
  army", "the Dravonian Foreign Ministry", the White House (the alias table's affiliation).
  Knowledge of which head nouns are government bodies and which roles are government
  roles lives in ``data/link_hints.json``.
- A person speaks for the body their role names: "Colonel X, a spokesman for the Arvenian
  army", "Dravonia's envoy, Ambassador Y", "Riverwatch director Z", "Deputy U.S.
  Ambassador to the U.N." (a destination is not the sender), and through that body for
  its country. A person with no body written next to them keeps their own name.
- A capital stands for its country ("Koltsa, the Dravonian capital", and the alias table's
  capitals), and a bare "the Foreign Ministry" takes the country that the same article (or
  its story) attaches to that body.

Resolution runs in two steps. :func:`describe` reads one article (its speaker phrases,
appositions and mentions) and returns a reference with what the article says. What one
article teaches about the world (a capital, a person's country, whose Foreign Ministry a
story is about) is collected by :func:`learn` into :class:`Facts`, kept in the store, and
:func:`resolve` turns a reference into an origin with the facts known. The linker resolves
again when facts arrive later, so the order articles come in does not change the result.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any

from crosscheck.link.entities import Phrases, demonym_forms, demonyms, fold, hints, plain
from crosscheck.model import Article, Claim, EntityMention

_MAX_ORGS = 300  # organisation names remembered per story (bounds the facts of a long story)
_WINDOW = 160  # characters before a person's name searched for their role
_AMBIGUOUS = "?"  # a body head that names different countries in one article or story
_PLACE_LABELS = frozenset({"GPE", "LOC"})
_BODY_LABELS = frozenset({"ORG", "GPE", "NORP", "FAC"})


@cache
def _curated() -> dict[str, tuple[str, str | None, str]]:
    """Folded alias -> (canonical name, affiliation, type), from the alias table and demonyms."""
    out: dict[str, tuple[str, str | None, str]] = {}
    try:
        from crosscheck.annotate import entities as ents

        for e in ents.alias_table().values():
            for alias in (e.name, *e.aliases):
                out.setdefault(plain(alias), (e.name, e.affiliation, e.type))
    except (ImportError, AttributeError, OSError, ValueError):  # pragma: no cover - part of the package
        pass
    for adj, country in demonyms().items():
        out.setdefault(plain(adj), (country, None, "country"))
    return out


@cache
def _curated_phrases() -> Phrases:
    """The alias table's names (two characters or more) as a phrase table: alias -> canonical name."""
    return Phrases(((a, v[0]) for a, v in _curated().items() if len(a) >= 2), letters=False)


def _curated_hits(t: str) -> list[tuple[int, int, str]]:
    """Curated aliases named in plain text, the longest alias first (then alphabetical), then by position."""
    return sorted(_curated_phrases().find(t), key=lambda h: (-len(h[2]), h[2], h[0]))


@cache
def _plain_demonyms() -> frozenset[str]:
    return frozenset(plain(a) for a in demonyms())


def bodies_named(text: str) -> list[str]:
    """Known bodies named in a phrase ("White House intelligence" -> White House).

    Longer names win over the names inside them ("White House" is not also "House").
    """
    taken: list[tuple[int, int]] = []
    found = set()
    for lo, hi, alias in _curated_hits(plain(text)):
        if any(lo < e and s < hi for s, e in taken):
            continue
        taken.append((lo, hi))
        found.add(_curated_phrases().items[alias])
    return sorted(found)


def affiliation(origin: str) -> str | None:
    """The country or body an origin belongs to (the White House -> United States), if known."""
    hit = _curated().get(plain(origin))
    return hit[1] if hit else None


def climb(name: str) -> str:
    """The body a name speaks for, following ``parents`` (a few steps at most)."""
    parents: dict[str, str] = hints()["parents"]
    seen = set()
    while fold(name) in parents and fold(name) not in seen:
        seen.add(fold(name))
        name = parents[fold(name)]
    return name


def _words(key: str) -> list[str]:
    return [plain(w) for w in hints()[key]]


@cache
def _word_table(key: str) -> Phrases:
    """One list of ``link_hints.json`` as a phrase table: word -> its position in the list."""
    return Phrases((w, i) for i, w in enumerate(_words(key)))


def _has(text: str, key: str) -> str | None:
    """The longest word of the ``key`` list of ``link_hints.json`` found whole in the plain ``text``
    (between equally long ones, the first listed)."""
    hits = _word_table(key).find(text)
    if not hits:
        return None
    table = _word_table(key).items
    return min((h[2] for h in hits), key=lambda w: (-len(w), table[w]))


@cache
def _titles() -> frozenset[str]:
    """Titles and role nouns: the words of a role phrase that are not a body's name."""
    return frozenset(_words("titles") + [w for r in _words("origin_roles") for w in r.split()])


class _FactIndex:
    """Lookup tables over :class:`Facts` that grow with it: learned facts are only ever added."""

    def __init__(self) -> None:
        self.capitals = Phrases()
        self.places = Phrases()
        self.adjectives: dict[str, list[str]] = {}  # demonym form -> places it is formed from
        self._seen = (0, 0)

    def sync(self, facts: Facts) -> None:
        n_caps, n_places = len(facts.capitals), len(facts.places)
        if (n_caps, n_places) == self._seen:
            return
        if n_caps < self._seen[0] or n_places < self._seen[1]:  # replaced, not grown: start again
            self.__init__()  # type: ignore[misc]
        for cap in itertools.islice(facts.capitals, self._seen[0], None):
            self.capitals.add(cap, None)
        for place in itertools.islice(facts.places, self._seen[1], None):
            self.places.add(place, None)
            for form in demonym_forms(place):
                self.adjectives.setdefault(form, []).append(place)
        self._seen = (n_caps, n_places)


@dataclass
class Facts:
    """What articles taught about the world, kept between runs (``link_state``).

    ``capitals``: folded capital -> country; ``persons``: folded person -> principal;
    ``bodies``: story id -> {folded government body head -> country}.
    """

    capitals: dict[str, str] = field(default_factory=dict)
    persons: dict[str, str] = field(default_factory=dict)
    bodies: dict[str, dict[str, str]] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)  # folded place name -> as written
    orgs: dict[str, list[str]] = field(default_factory=dict)  # story id -> organisation names
    # story id -> {document phrase -> its issuer's origin}: "the interim report by Assembly of
    # Nations inspectors" tells whose "the interim report" is in another article of the story
    documents: dict[str, dict[str, str]] = field(default_factory=dict)
    _index: _FactIndex | None = field(default=None, repr=False, compare=False)

    def index(self) -> _FactIndex:
        """Phrase tables of the capitals and places known so far (kept in step as facts are learned)."""
        if self._index is None:
            self._index = _FactIndex()
        self._index.sync(self)
        return self._index

    def to_json(self) -> dict[str, Any]:
        """A JSON-able copy."""
        return {"capitals": self.capitals, "persons": self.persons, "bodies": self.bodies, "places": self.places,
                "orgs": self.orgs, "documents": self.documents}

    @classmethod
    def from_json(cls, value: dict[str, Any] | None) -> Facts:
        """Facts from their stored form."""
        v = value or {}
        return cls(dict(v.get("capitals", {})), dict(v.get("persons", {})),
                   {k: dict(d) for k, d in v.get("bodies", {}).items()}, dict(v.get("places", {})),
                   {k: list(d) for k, d in v.get("orgs", {}).items()},
                   {k: dict(d) for k, d in v.get("documents", {}).items()})


@dataclass
class Context:
    """One article's view: its places, its bodies' countries, and the facts known so far."""

    facts: Facts
    story: str | None = None
    places: dict[str, str] = field(default_factory=dict)  # folded -> as written
    bodies: dict[str, str] = field(default_factory=dict)  # folded gov head -> country
    orgs: list[str] = field(default_factory=list)  # organisation names as written, longest first
    _local: tuple[int, Phrases, dict[str, list[str]]] | None = field(default=None, repr=False, compare=False)

    def local_places(self) -> Phrases:
        """The article's own places as a phrase table."""
        return self._local_tables()[1]

    def _local_tables(self) -> tuple[int, Phrases, dict[str, list[str]]]:
        if self._local is None or self._local[0] != len(self.places):
            adjectives: dict[str, list[str]] = {}
            for place in self.places:
                for form in demonym_forms(place):
                    adjectives.setdefault(form, []).append(place)
            self._local = (len(self.places), Phrases((p, None) for p in self.places), adjectives)
        return self._local

    def _demonym(self, word: str) -> str | None:
        """The known place an adjective is formed from ("dravonian" -> "dravonia"), as :func:`demonym_place`."""
        adj = fold(word)
        if not adj or " " in adj:
            return None
        cands = self.facts.index().adjectives.get(adj, []) + self._local_tables()[2].get(adj, [])
        return min(cands, key=lambda p: (-len(p), p)) if cands else None

    def country_in(self, text: str) -> tuple[str | None, str]:
        """(country named in ``text``, how): "start" (its name or capital opens the phrase),
        "name" (named further in), "adjective" ("Dravonian"); (None, "") when none is."""
        t = re.sub(r"^(?:the|a|an) ", "", plain(text))
        idx = self.facts.index()
        found: list[tuple[int, str, str]] = []
        for pos, _, cap in idx.capitals.find(t):
            found.append((pos, self.facts.capitals[cap], "name"))
        for pos, _, p in idx.places.find(t):
            found.append((pos, self.places.get(p) or self.facts.places[p], "name"))
        for pos, _, p in self.local_places().find(t):
            found.append((pos, self.places[p], "name"))
        for m in re.finditer(r"[a-z]+", t):
            hit = self._demonym(m.group(0))
            if hit:
                found.append((m.start(), self.places.get(hit) or self.facts.places[hit], "adjective"))
        dem = _plain_demonyms()
        for pos, _, alias in _curated_phrases().find(t):
            if _curated()[alias][2] == "country":
                found.append((pos, _curated_phrases().items[alias], "adjective" if alias in dem else "name"))
        if not found:
            return None, ""
        pos, country, how = min(found)
        return country, ("start" if how == "name" and pos == 0 else how)


def context(article: Article, mentions: list[EntityMention], facts: Facts, story: str | None = None) -> Context:
    """An article's context: the places it names and the countries of the government bodies in it."""
    ctx = Context(facts=facts, story=story)
    for m in mentions:
        name = m.text.removeprefix("the ").removeprefix("The ")
        if m.label in _PLACE_LABELS and fold(name) and plain(name) not in _curated():
            ctx.places.setdefault(fold(name), name)
    own = {m.text.removeprefix("the ").removeprefix("The ") for m in mentions if m.label == "ORG"}
    ctx.orgs = sorted(own | set(facts.orgs.get(story or "", [])), key=lambda s: (-len(s), s))
    for cap in re.finditer(r"[A-Z][\w’'-]*(?: [A-Z][\w’'-]*)*", article.text):
        phrase = cap.group(0)
        head = _has(plain(phrase), "government_bodies")
        if head is None:
            continue
        country, _ = ctx.country_in(phrase)
        if country:
            for key in {head, head.split()[-1]}:
                # two countries' ministries: a bare "the ministry" names neither
                ctx.bodies[key] = country if ctx.bodies.get(key, country) == country else _AMBIGUOUS
    return ctx


@lru_cache(maxsize=1)
def _capital_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """"Koltsa, the Dravonian capital" and "Dravonia's capital, Koltsa".

    Each match starts where a word starts (the lookbehind): without it the search retried inside
    every word, and a word of n characters cost n**2 steps (a 40,000-character token made linking
    take 43 s)."""
    seats = "|".join(re.escape(w) for w in hints()["seat_nouns"])
    start = r"(?<![\w’'-])"
    name = r"([A-Z][\w’'-]+(?:\s[A-Z][\w’'-]+)?)"
    return (re.compile(start + name + r",\s+(?:the\s+)?(\w[\w’'-]*(?:\s\w+)?)\s+(?:" + seats + r")\b"),
            re.compile(start + r"(\w[\w’'-]*(?:\s\w+)?)\s+(?:" + seats + r"),?\s+" + name))


def learn(article: Article, ctx: Context) -> None:
    """Add what ``article`` says about capitals and government bodies to ``ctx.facts``."""
    f = ctx.facts
    f.places.update({k: v for k, v in ctx.places.items() if k not in f.places})
    if ctx.story:
        story = f.bodies.setdefault(ctx.story, {})
        for head, country in ctx.bodies.items():
            story[head] = country if story.get(head, country) == country else _AMBIGUOUS
        known = f.orgs.setdefault(ctx.story, [])
        known += sorted(o for o in set(ctx.orgs) - set(known) if len(known) < _MAX_ORGS)
    if ctx.story:
        _learn_documents(article, ctx)
    for i, pat in enumerate(_capital_patterns()):
        for hit in pat.finditer(article.text):
            cap, owner = (hit.group(1), hit.group(2)) if i == 0 else (hit.group(2), hit.group(1))
            owner_country, _ = ctx.country_in(owner)
            if owner_country and fold(cap) and fold(cap) != fold(owner_country):
                f.capitals.setdefault(fold(cap), owner_country)


@lru_cache(maxsize=1)
def _issued_pattern() -> re.Pattern[str]:
    """"the interim report by Assembly of Nations inspectors", "a statement from the Kremlin":
    a document phrase (up to two lower-case qualifiers and a document noun) and its issuer (a
    capitalised name, its connecting words, and at most one lower-case plural noun)."""
    nouns = "|".join(sorted((re.escape(n) for n in _document_nouns()), key=len, reverse=True))
    start = r"(?<![\w’'-])"
    doc = r"(?:the|an?|its|their)\s+((?:[a-z][\w-]*\s+){0,2}(?:" + nouns + r"))"
    cap = r"[A-Z][\w’'.-]*"
    issuer = r"((?:the\s+)?" + cap + r"(?:\s+(?:of|for|on|and|the)\s+" + cap + r"|\s+" + cap + r")*(?:\s+[a-z]+s)?)"
    return re.compile(start + doc + r"\s+(?:by|from)\s+" + issuer + r"(?![\w’'-])")


def document_key(phrase: str) -> str | None:
    """The key a document phrase is remembered by: its words without articles and common
    modifiers, when a qualifier is left beside the noun ("interim report"); a bare noun
    ("the report", "a statement") could be any document of the story, so it has none."""
    words = [w for w in plain(phrase).split() if w not in _DOC_MODIFIERS]
    if len(words) < 2 or " ".join(words) in _document_nouns() or words[-1] not in _document_nouns():
        return None
    return " ".join(words)


def _learn_documents(article: Article, ctx: Context) -> None:
    known = ctx.facts.documents.setdefault(ctx.story or "", {})
    for hit in _issued_pattern().finditer(article.text):
        key = document_key(hit.group(1))
        if key is None:
            continue
        issuer = resolve(Ref(body=hit.group(2), display=re.sub(r"^the\s+", "", hit.group(2))), ctx)
        if bare_document(issuer) or issuer == _AMBIGUOUS:
            continue
        known[key] = issuer if known.get(key, issuer) == issuer else _AMBIGUOUS


def document_issuer(phrase: str, ctx: Context) -> str | None:
    """Whose document a bare document origin is, when an article of the story named its issuer."""
    key = document_key(phrase)
    if key is None or not ctx.story:
        return None
    got = ctx.facts.documents.get(ctx.story, {}).get(key)
    return None if got in (None, _AMBIGUOUS) else got


@dataclass(frozen=True, slots=True)
class Ref:
    """What one article says about a claim's source: a person, a body phrase, or nothing."""

    person: str | None = None  # the person's full name
    body: str | None = None  # the body phrase the speaker or the role names
    role: str | None = None  # the role phrase, when the speaker is a person
    display: str = ""  # fallback origin
    joint: tuple[Ref, ...] = ()  # "Foreign Minister X and Defence Minister Y": each speaks

    def to_json(self) -> dict[str, Any]:
        """A JSON-able copy."""
        out: dict[str, Any] = {"person": self.person, "body": self.body, "role": self.role, "display": self.display}
        if self.joint:
            out["joint"] = [j.to_json() for j in self.joint]
        return out

    @classmethod
    def from_json(cls, v: dict[str, Any]) -> Ref:
        """A reference from its stored form."""
        return cls(v.get("person"), v.get("body"), v.get("role"), v.get("display") or "",
                   tuple(cls.from_json(j) for j in v.get("joint", ())))


def principal(body: str, ctx: Context, *, role: str | None = None) -> str | None:
    """The party a body phrase (or a role phrase) speaks for, or None when nothing says so."""
    text = plain(body)
    if not text:
        return None
    parents = climb(body)
    if parents != body:
        return principal(parents, ctx) or parents
    gov = _has(text, "government_bodies")
    gov_role = _has(plain(role or ""), "government_roles")
    country, how = ctx.country_in(body)
    intl = {plain(n) for n in hints()["international"]}
    if country and (gov or gov_role or how == "start"):
        return country
    for _, _, alias in _curated_hits(text):
        name: str = _curated_phrases().items[alias]
        if plain(name) not in intl:
            _, aff, kind = _curated()[alias]
            if kind == "country":
                return name
            if aff and _curated().get(plain(aff), ("", None, ""))[2] == "country" and \
                    plain(name) not in {plain(x) for x in hints()["not_state_voice"]}:
                return aff
            return name
    if gov:
        stories = ctx.facts.bodies.get(ctx.story or "", {})
        for key in (gov, gov.split()[-1]):
            for known in (ctx.bodies, stories):
                if known.get(key, _AMBIGUOUS) != _AMBIGUOUS:
                    return known[key]
        return None
    if gov_role or role:
        # "Riverwatch director": the body written before the role noun
        org = _org(body, ctx)
        if org:
            return org
        words = [w for w in body.split() if w[:1].isupper() and plain(w) not in set(_titles())]
        return " ".join(words) or None
    return None


def _org(phrase: str, ctx: Context) -> str | None:
    """The organisation of the article a phrase names: the longest one inside it, or the one it
    abbreviates ("Riverwatch" -> "Riverwatch Monitoring Group")."""
    t = plain(phrase)
    if len(t) < 3:
        return None
    for o in ctx.orgs:
        po = plain(o)
        if po and (po.startswith(t + " ") or _whole(po).search(t)):
            return o
    return None


@lru_cache(maxsize=1 << 14)
def _whole(phrase: str) -> re.Pattern[str]:
    """A plain phrase as a whole-word pattern (compiled once)."""
    return re.compile(r"(?<![a-z])" + re.escape(phrase) + r"(?![a-z])")


def _role_phrase(speaker_text: str, person: str) -> str:
    """The speaker phrase without the person's name ("a spokesman for the Arvenian army")."""
    i = plain(speaker_text).find(plain(person))
    t = speaker_text
    if i >= 0:
        words = speaker_text.split()
        pw = len(person.split())
        for k in range(len(words) - pw + 1):
            if plain(" ".join(words[k : k + pw])) == plain(person):
                t = " ".join(words[:k]) + " , " + " ".join(words[k + pw :])
                break
    return t.strip(" ,")


def role_body(phrase: str) -> str | None:
    """The body a role phrase names its holder for, or None.

    "a spokesman for the Arvenian army" -> "the Arvenian army"; "Dravonia's envoy" ->
    "Dravonia"; "Interior Ministry spokeswoman" -> "Interior Ministry"; "Deputy U.S.
    Ambassador to the U.N." -> "U.S." (a destination after "to" is not the sender, and an
    international body where countries sit gives way to a country written with it).
    """
    roles = sorted(hints()["origin_roles"], key=len, reverse=True)
    role_re = re.compile(r"\b(?:" + "|".join(re.escape(r) for r in roles) + r")\b", re.IGNORECASE)
    parts = [p.strip() for p in re.split(r"\s*,\s*", phrase) if p.strip()]
    intl = {plain(n) for n in hints()["international"]}
    titles = set(_titles())
    for part in parts:
        r = role_re.search(part)
        if r is None:
            continue
        after = re.match(r"\s*(?:for|of|at)\s+(?:the\s+)?(.+)$", part[r.end():], re.IGNORECASE)
        if after:
            return after.group(1).strip()
        # the words right before the role noun that can name a body: capitalised, titles, a
        # possessive; "said" or an opening quote ends the run
        run: list[str] = []
        for w in reversed(part[: r.start()].split()):
            bare = w.strip("“”\"'‘’")
            if not bare or (bare != w.lstrip("‘’'").rstrip("'’") and not re.search(r"['’]s$", w)):
                break
            if bare[:1].isupper() or plain(bare) in titles or plain(bare) in set(_words("government_bodies")):
                run.insert(0, bare)
                continue
            break
        words = [re.sub(r"['’]s$", "", w) for w in run if plain(w) not in titles and plain(w) not in {"the", "a", "an"}]
        kept = " ".join(words)
        named = bodies_named(kept)
        countries = [n for n in named if plain(n) not in intl]
        if named and not countries:
            return None  # "U.N. Ambassador": an envoy to the U.N., not its voice
        if kept:
            return kept
    return None


def describe(claim: Claim, article: Article, mentions: list[EntityMention], claims: list[Claim]) -> Ref:
    """What the article says about who a claim comes from."""
    speaker = claim.speaker or claim.speaker_text or ""
    # the phrase that names the source best: "it" or "intelligence" say less than the resolved speaker
    sp_text = max([claim.speaker_text or speaker, speaker], key=lambda t: sum(w[:1].isupper() for w in t.split()))
    if not speaker:
        return Ref(display=f"unattributed:{article.id}")
    persons = [m for m in mentions if m.label == "PERSON" and fold(m.text)]
    parts = [p for p in re.split(r"\s*,\s*|\s+and\s+", speaker) if p.strip()]
    if len(parts) > 1 and all(any(fold(m.text) == fold(p) or fold(p).endswith(" " + fold(m.text)) for m in persons)
                              for p in parts):
        solo = [replace(claim, speaker=p, speaker_text=p, speaker_start=None, speaker_end=None) for p in parts]
        return Ref(display=speaker, joint=tuple(describe(c, article, mentions, claims) for c in solo))
    target = fold(speaker)
    named = [m for m in persons if fold(m.text) == target or target.endswith(" " + fold(m.text))
             or fold(m.text).endswith(" " + target)]
    if claim.speaker_start is not None and claim.speaker_end is not None:
        inside = [m for m in persons if claim.speaker_start <= m.start and m.end <= claim.speaker_end]
        named = named or inside
    if named:
        full = max((m.text for m in named), key=len)
        person = " ".join(w for w in full.split() if plain(w) not in set(_titles())) or full
        phrases = [_role_phrase(c.speaker_text or "", person) for c in claims
                   if (c.speaker or c.speaker_text) == speaker and c.speaker_text]
        for pm in sorted(named, key=lambda x: x.start):
            lo = max(0, pm.start - _WINDOW)
            window = article.text[lo : pm.start]
            if lo:
                window = window.split(" ", 1)[-1]  # a word cut by the window is no word
            # "Dravonia's envoy, Ambassador Teodor Grell": one comma is crossed when a role precedes it
            cut = max(window.rfind(". "), window.rfind("\n"))
            window = window[cut + 1 :]
            after = re.match(r",\s+((?:a|an|the)\s[^,.;]{3,80})", article.text[pm.end :])
            phrases += [window.strip(), after.group(1) if after else ""]
        for ph in sorted(set(filter(None, phrases)), key=lambda p: (-len(p), p)):
            body = role_body(ph)
            if body:
                return Ref(person=person, body=body, role=ph, display=person)
        # a government role with no country written ("Defence Minister Caspar Lund"): kept, so
        # that a joint statement with a minister whose country is known can place this one
        gov = [ph for ph in phrases if ph and _has(plain(ph.rsplit(",", 1)[-1]), "government_roles")]
        if gov:
            return Ref(person=person, role=min(gov, key=len), display=person)
        return Ref(person=person, display=person)
    if claim.speaker_start is not None and claim.speaker_end is not None:
        bodies = [m for m in mentions if m.label in _BODY_LABELS
                  and claim.speaker_start <= m.start and m.end <= claim.speaker_end]
        if len({fold(m.text) for m in bodies}) == 1 and len(sp_text) > len(bodies[0].text) + 25:
            sp_text = bodies[0].text  # "Estoria, the first country to point the finger"
    return Ref(body=sp_text, display=re.sub(r"^(?:the|an?)\s+", "", sp_text, flags=re.IGNORECASE))


def resolve(ref: Ref | dict[str, Any], ctx: Context) -> str:
    """The origin of a described claim, with what ``ctx`` knows."""
    r = Ref.from_json(ref) if isinstance(ref, dict) else ref
    if r.joint:
        got = [(j, resolve(j, ctx)) for j in r.joint]
        # "Foreign Minister Ines Harrow and Defence Minister Caspar Lund told a joint news conference":
        # a member in a government role the text gives no country for sits with the others' country
        countries = {o for j, o in got if not (j.person and fold(o) == fold(j.person))}
        if len(countries) == 1:
            (country,) = countries
            placed = []
            for j, o in got:
                alone = bool(j.person) and fold(o) == fold(j.person or "")
                if alone and _has(plain(j.role or ""), "government_roles"):
                    ctx.facts.persons.setdefault(fold(j.person or ""), country)
                placed.append((j, country if alone and _has(plain(j.role or ""), "government_roles") else o))
            got = placed
        return " + ".join(sorted({o for _, o in got}))
    if r.person:
        if r.body:
            p = principal(r.body, ctx, role=r.role)
            if p:
                if r.person and fold(r.person) not in ctx.facts.persons:
                    ctx.facts.persons[fold(r.person)] = p
                return p
        known = ctx.facts.persons.get(fold(r.person))
        return known or climb(r.person)
    if r.body:
        joint = {principal(n, ctx) or n for n in bodies_named(r.body)}
        if len(joint) > 1:  # "Moscow and Pyongyang"
            return " + ".join(sorted(joint))
        p = principal(r.body, ctx)
        if p:
            return p
        fallback = climb(_org(r.body, ctx) or r.display)
        if bare_document(fallback):
            return document_issuer(r.body, ctx) or fallback
        return fallback
    return r.display


def same_origin(a: str, b: str) -> bool:
    """True when two origins are the same body (by folded name)."""
    return fold(a) == fold(b)


_DOC_MODIFIERS = frozenset({"the", "a", "an", "joint", "press", "official", "written", "new", "latest", "same", "its",
                            "their", "this", "that"})


@cache
def _document_nouns() -> frozenset[str]:
    from crosscheck.annotate.cues import lexicon

    return frozenset(plain(n) for n in lexicon().nouns)


def bare_document(origin: str) -> bool:
    """True when an origin is only a document noun ("statement", "the joint statement"): it names
    no issuer, so it is no principal yet."""
    words = [w for w in plain(origin).split() if w not in _DOC_MODIFIERS]
    if not words:
        return False
    if " ".join(words) in _document_nouns():
        return True
    # "the interim report", "a preliminary assessment": a document noun and common words, no name
    raw = [w for w in origin.split() if plain(w) not in _DOC_MODIFIERS]
    return words[-1] in _document_nouns() and all(w[:1].islower() for w in raw)


def _names_document(phrase: str) -> bool:
    t = plain(phrase)
    return any(re.search(r"(?<![a-z])" + re.escape(n) + r"(?![a-z])", t) for n in _document_nouns())


def document_antecedents(items: list[tuple[Claim, str]]) -> dict[str, str]:
    """Claim id -> origin for the claims of one article whose origin is a bare document noun.

    "The statement said" speaks for whoever issued the statement the article named before:
    the nearest earlier claim whose speaker phrase names a document and whose origin is a
    principal ("a White House press release" -> United States). With none, the origin stays.
    """
    ordered = sorted(items, key=lambda ci: (ci[0].speaker_start if ci[0].speaker_start is not None else ci[0].start,
                                            ci[0].id))
    out: dict[str, str] = {}
    issuer: str | None = None
    for c, origin in ordered:
        if bare_document(origin):
            if issuer is not None:
                out[c.id] = issuer
            continue
        if _names_document(c.speaker_text or c.speaker or "") and not origin.startswith("unattributed:"):
            issuer = origin
    return out
