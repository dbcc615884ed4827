"""One article at a time through the link layer: dedupe, story, dates, groups, relations.

Each article is linked in its own transaction. Groups, stories and relations touched by the
run get their derived fields (outlets, origins, status, events) recomputed at the end, and
only those: the cost of a run follows the new articles, not the corpus. Every threshold and
bound comes from the run's ``Settings`` (``link.*``), handed to the linker and from it to
each step.

What the run holds (the facts learned, what it touched, its counters and caches) is one
:class:`~crosscheck.link.state.LinkState`; the linker owns it and hands it, or the pieces they
need, to the steps (link/denials.py, link/derived.py, link/refdates.py, link/corrections.py),
which never import the linker.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections import Counter
from typing import Any

import numpy as np

from crosscheck.config import DEFAULTS, Settings
from crosscheck.link import (
    dedupe,
    denials,
    derived,
    embed,
    groups,
    origins,
    prepare,
    principals,
    proposition,
    relations,
    state,
    stories,
    timeline,
    words,
)
from crosscheck.link.entities import article_keys, keys_in
from crosscheck.link.groups import ClaimInfo
from crosscheck.link.state import LinkState
from crosscheck.model import Article, Claim, EntityMention, TimeExpr

_MAX_WHY = 20  # join records kept per group: enough to audit, bounded for huge groups
# blocking bounds (link.groups.max_candidate_groups and member_sample): a claim is compared with
# the groups sharing the most keys with it, and with each group's first members (link/state.py)
_CACHE_TEXTS = 2_000  # article texts held at once (emptied when full: bounds memory on long runs)


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _day_value(t: TimeExpr) -> str | None:
    """A time's day, or "XXXX-MM-DD" for a month-day whose year is not known yet ("Dec. 30")."""
    if t.value:
        return t.value
    md = timeline.month_day(t.text)
    return f"XXXX-{md[0]:02d}-{md[1]:02d}" if md else None


def _continues(c: Claim, before: Claim) -> bool:
    """True when ``c`` carries on the direct quotation ``before``: no cue of its own, the same speaker span."""
    return (c.direct and before.direct and c.cue_start is None and c.speaker_start is not None
            and c.speaker_start == before.speaker_start and c.speaker_start < c.start
            and (c.speaker or c.speaker_text) == (before.speaker or before.speaker_text))


class ArticleLinker:
    """Links articles into the store's link tables; its state (:class:`LinkState`) says what happened."""

    def __init__(self, store: Any, settings: Settings = DEFAULTS) -> None:
        self.state = LinkState.open(store, settings)
        self.store = store
        self.settings = settings
        self.n_articles, self.n_claims = store.link_sizes()
        self.chooser = stories.StoryChooser(store, settings.link.stories)
        self.prepared: dict[str, prepare.Prepared] = {}  # computed ahead by a worker (see link/prepare.py)
        self._recorded: set[str] = set()  # touched groups already written to link_pending
        self._claims_added = 0  # claims the article in flight adds (counted once it is committed)
        self._resume()

    def _resume(self) -> None:
        """Take over what a run that stopped before its end pass left pending.

        Its articles are linked (each in its own transaction) but the facts they taught were
        kept in memory only: they are learned again, as linking learned them (the article's
        places and bodies, then what resolving its claims' origins taught, in the order they
        were linked); its groups and stories get their derived fields in this run's end pass.
        """
        pending: dict[str, list[str]] = {}
        for kind, pid in self.store.pending():
            pending.setdefault(kind, []).append(pid)
        self.state.touched_groups |= set(pending.get("group", ()))
        self._recorded |= set(pending.get("group", ()))
        self.state.touched_stories |= set(pending.get("story", ()))
        # in the order they were linked: the first article to state a fact is the one kept
        for aid, sid in self.store.pending_articles():
            article = self.store.article(aid)
            if article is not None:
                mentions = list(self.store.mentions(aid))
                claims = list(self.store.claims(aid))
                self._origins(article, claims, mentions, self._learn(article, mentions, sid))

    def _learn(self, article: Article, mentions: list[EntityMention], sid: str) -> origins.Context:
        """The article's context, after learning what it states (capitals, places, bodies)."""
        ctx = origins.context(article, mentions, self.state.facts, sid)
        origins.learn(article, ctx)
        return ctx

    @staticmethod
    def _origins(article: Article, claims: list[Claim], mentions: list[EntityMention],
                 ctx: origins.Context) -> list[tuple[origins.Ref, str]]:
        """Each claim's source as the article describes it, and its origin, resolved in claim order.

        Resolving teaches facts too (a person's principal, once named with their body), so a
        resumed run replays exactly this (:meth:`_resume`).
        """
        refs = [origins.describe(c, article, mentions, claims) for c in claims]
        return [(ref, origins.resolve(ref, ctx)) for ref in refs]

    # the steps ---------------------------------------------------------------------------

    def link_article(self, aid: str) -> None:
        """Link one stored article (one transaction)."""
        article: Article = self.store.article(aid)
        self._claims_added = 0
        if len(self.state.texts) > _CACHE_TEXTS:
            self.state.texts.clear()
        self.state.texts[aid] = article.text
        mentions = list(self.store.mentions(aid))
        sig = dedupe.signature(article.text)
        buckets = dedupe.bands(sig)
        cands = self.store.lsh_candidates(buckets)
        load = {c: a for c in cands if (a := self.store.article(c)) is not None}
        for row in [self.store.linked_article(c) for c in cands]:
            if row is not None and row["duplicate_of"] and row["duplicate_of"] not in load:
                orig = self.store.article(row["duplicate_of"])
                if orig is not None:
                    load[orig.id] = orig
        match = dedupe.find_original(self.store.linked_signature, article, sig, load, cands,
                                     jaccard_min=self.settings.link.duplicates.jaccard)
        publisher = dedupe.publisher_of(article)
        spans = article_keys(mentions)
        prof = stories.profile(Counter(spans.values()), self.settings.link.stories.top_keys)
        vec = self._content_vector(article, mentions)
        with self.store.transaction() as cur:
            duplicate_of, sid = None, None
            if match is not None:
                self.state.duplicates += 1
                old = load.get(match.original) or self.store.article(match.original)
                old_row = self.store.linked_article(match.original)
                if old is not None and dedupe.new_is_original(article, old):
                    # the copy was seen first: it now points at this article
                    self.store.repoint_duplicate(cur, match.original, aid, publisher)
                    a_id, b_id = match.original, aid
                else:
                    duplicate_of = match.original
                    publisher = old_row["publisher"] if old_row else publisher
                    a_id, b_id = aid, match.original
                sid = old_row["story_id"] if old_row else None
                self.store.put_relation(cur, relations.relation_id("duplicate_of", None, a_id, b_id), "duplicate_of",
                                        None, a_id, b_id, {"jaccard": match.jaccard, "how": match.reason})
                self.state.relations["duplicate_of"] += 1
            score = 1.0
            held: dict[str, float] | None = None
            if sid is None:
                sid, score, held = self.chooser.choose(prof, max(self.n_articles, 1), vec)
            if sid is None:
                sid = stories.story_id(aid)
                title = stories.story_title([article.title], [k.split(":", 1)[-1] for k in prof])
                self.store.add_story(cur, sid, title)
                self.state.new_stories += 1
                held = {}
            elif held is None:  # a copy joins its original's story
                held = self.store.story_weights([sid], prof.keys())[sid]
            self.store.add_story_article(cur, sid, aid, round(score, 3))
            self.store.add_story_member(cur, sid, aid, prof, vec)
            self.store.add_story_keys(cur, sid, prof)
            if vec is not None:
                self.store.add_story_vector(cur, sid, vec)
            self.store.bump_key_df(cur, prof.keys())
            self.store.add_linked_article(cur, aid, dedupe.to_blob(sig), buckets, duplicate_of, sid, publisher)
            self.n_articles += 1
            self.state.touched_stories.add(sid)
            self.state.dates_resolved += timeline.resolve_dates(self.store, cur, aid, sid,
                                                                 functools.partial(state.sentence_vec, self.state))
            ctx = self._learn(article, mentions, sid)
            self._link_claims(cur, article, sid, dedupe.outlet_of(article), spans, ctx, mentions)
            fresh = sorted(self.state.touched_groups - self._recorded)
            self.store.mark_pending(cur, [("article", aid), ("story", sid), *(("group", g) for g in fresh)])
        # what this process keeps about the ledger follows it only once the article is committed
        self._recorded.update(fresh)
        self.n_claims += self._claims_added
        self.chooser.added(sid, prof, held)

    def _content_vector(self, article: Article, mentions: list[EntityMention]) -> np.ndarray | None:
        """What the article says, as the mean vector of its claims (prepared now when not ahead)."""
        claims = list(self.store.claims(article.id))
        if not claims:
            return None
        prep = self.prepared.get(article.id)
        if prep is None or prep.claim_ids != [c.id for c in claims]:
            prep = prepare.prepare(article, claims, mentions, self.state.emb)
            self.prepared[article.id] = prep
        return stories.article_vector(prep.vecs)

    def _claim_infos(self, article: Article, sid: str, publisher: str | None,
                     spans: dict[tuple[int, int], str], ctx: origins.Context,
                     mentions: list[EntityMention]) -> list[tuple[Claim, ClaimInfo]]:
        claims = list(self.store.claims(article.id))
        if not claims:
            return []
        times = list(self.store.times(article.id))
        quants = list(self.store.quantities(article.id))
        prep = self.prepared.pop(article.id, None)
        if prep is None or prep.claim_ids != [c.id for c in claims]:
            prep = prepare.prepare(article, claims, mentions, self.state.emb)
        if len(self.state.sentences) > state.CACHE_VECTORS:
            self.state.sentences.clear()
        self.state.sentences.update({(article.id, lo, hi): v for (lo, hi), v in prep.sentences.items()})
        vecs, sigs = prep.vecs, prep.sigs
        nested = principals.nesting(claims)
        out = []
        resolved = self._origins(article, claims, mentions, ctx)
        for c, v, sig0, (ref, origin) in zip(claims, vecs, sigs, resolved, strict=True):
            # a denial's signature is the proposition it denies: denials compare with denials
            sig = dataclasses.replace(sig0, negated=sig0.negated != sig0.denial) \
                if sig0.denial or c.polarity == "deny" else sig0
            s0 = c.sentence_start if c.sentence_start is not None else c.start
            s1 = c.sentence_end if c.sentence_end is not None else c.end
            lo, hi = min(s0, c.start), max(s1, c.end)
            info = ClaimInfo(
                # a content that is itself a denial ("X denies that ...") is linked as one
                id=c.id, article_id=article.id, polarity="deny" if sig0.denial else c.polarity, content=c.content, vec=v,
                stems=words.stems(c.content) | {"@" + k for k in keys_in(spans, c.start, c.end)}, entities=frozenset(keys_in(spans, lo, hi)),
                # the date of the event the claim states, not the day it was said ("X said on Tuesday that")
                dates=groups.day_dates(_day_value(t) for t in times if t.start >= c.start and t.end <= c.end),
                quantities=proposition.figures(c, article.text, quants), sig=sig,
                origin=origin, publisher=publisher or f"article:{article.id}",
                published=article.published, speaker=c.speaker or c.speaker_text,
                contest=c.polarity == "assert" and relations.is_contest(c.content), story_id=sid)
            info.extra["origin_ref"] = ref.to_json()
            info.extra["stance"] = principals.claim_stance(info.polarity, c.cue)
            if c.id in nested:
                info.extra["nest"] = list(nested[c.id])
            out.append((c, info))
        for cid, origin in origins.document_antecedents([(c, i.origin) for c, i in out]).items():
            for c, i in out:
                if c.id == cid:
                    i.origin = origin
        return out

    def _link_claims(self, cur: Any, article: Article, sid: str, publisher: str | None,
                     spans: dict[tuple[int, int], str], ctx: origins.Context, mentions: list[EntityMention]) -> None:
        # a relay ("X denies it, Reuters writes") only carries the claim inside it: that one is linked
        pairs = [(c, i) for c, i in self._claim_infos(article, sid, publisher, spans, ctx, mentions)
                 if i.extra.get("nest") != ["channel", c.id]]
        group_of: dict[str, str] = {}
        n_claims = max(1, self.n_claims)
        df = self.store.key_df("c:" + x for _, i in pairs for x in i.stems)

        @functools.cache
        def weight(stem: str) -> float:
            return stories.idf(df.get("c:" + stem, 0), n_claims)

        pairs = [(c, denials.pointed(self.state, c, info, pairs, spans)) for c, info in pairs]
        prev: tuple[Claim, str] | None = None
        for c, info in pairs:
            kind = "deny" if info.polarity == "deny" else ("contest" if info.contest else "assert")
            if prev is not None and _continues(c, prev[0]) and prev[1] == kind:
                # a quotation carried on in the next paragraph with no cue of its own is one statement
                gid: str | None = group_of[prev[0].id]
                why: dict[str, object] = {"continues": prev[0].id}
                conflicts: list[tuple[ClaimInfo, str, dict[str, float]]] = []
                also: list[str] = []
            else:
                gid, why, conflicts, also = groups.best_group(info, state.candidates(self.state, info, kind), weight,
                                                                  join=self.settings.link.groups.join)
            prev = (c, kind)
            for other_gid in also:
                if gid is not None and state.merge(self.state, cur, gid, other_gid):
                    group_of = {k: (gid if v == other_gid else v) for k, v in group_of.items()}
            if gid is None:
                gid = groups.group_id(c.id)
                self.store.open_group(cur, gid, sid, kind, {"opened_by": c.id, "joins": []})
                self.state.new_groups += 1
            else:
                w = self.store.group_why(gid)
                if len(w.get("joins", [])) < _MAX_WHY:
                    w.setdefault("joins", []).append({"claim": c.id, **why})
                self.store.set_group_why(cur, gid, w)
            keys = {"polarity": info.polarity, "content": info.content, "stems": sorted(info.stems),
                    "entities": sorted(info.entities), "dates": sorted(info.dates),
                    "quantities": [list(q) for q in info.quantities], "published": info.published,
                    "speaker": info.speaker, "contest": info.contest, "origin_ref": info.extra.get("origin_ref"),
                    "sig": info.sig.to_json(), "denies": info.extra.get("denies"),
                    "stance": info.extra.get("stance"), "nest": info.extra.get("nest")}
            score = why.get("score")
            self.store.put_member(cur, c.id, gid, article.id, float(score) if isinstance(score, (int, float)) else None,
                                  embed.to_blob(info.vec), keys, info.origin, publisher)
            self.store.add_group_keys(cur, sid, kind, gid, info.block_keys())
            group_of[c.id] = gid
            self.state.touched_groups.add(gid)
            for other, what, conflict_parts in conflicts:
                other_gid = self.store.group_of(other.id)
                if other_gid is None or other_gid == gid:
                    continue
                rtype = relations.conflict_type(info, other, what)
                if rtype is None:
                    continue
                state.relate(self.state, cur, "contradicts", rtype, gid, other_gid,
                             {"a_claim": c.id, "b_claim": other.id, "conflict": what, **conflict_parts,
                              "a_values": [list(q) for q in info.quantities],
                              "b_values": [list(q) for q in other.quantities],
                              "a_dates": sorted(info.dates), "b_dates": sorted(other.dates)})
        self.store.bump_key_df(cur, ("c:" + x for _, i in pairs for x in i.stems))
        self._claims_added = len(pairs)
        denials.link_denials(self.state, cur, pairs, group_of, spans)

    def finish(self) -> None:
        """Recompute the derived fields of what this run touched (:func:`crosscheck.link.derived.finish`)."""
        derived.finish(self.state)
