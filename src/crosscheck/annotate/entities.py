"""Entity mentions and canonical entities (issue: times, quantities, entities).

The alias table (``data/aliases.json``) maps names, abbreviations, spelling variants and
capitals used as actors to one canonical entity each.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, cast

from crosscheck.model import Article, Entity, EntityMention, EntityType

if TYPE_CHECKING:
    from spacy.tokens import Doc

_SPACE = re.compile(r"\s+")


def _norm(name: str) -> str:
    name = name.replace("\u2019", "'").strip().strip(".,;:")
    name = re.sub(r"(?i)^the\s+", "", name)
    return _SPACE.sub(" ", name).lower()


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@lru_cache(maxsize=1)
def alias_table() -> dict[str, Entity]:
    """Normalised alias -> canonical entity, from the shipped alias table."""
    data = json.loads(resources.files("crosscheck.data").joinpath("aliases.json").read_text("utf-8"))
    table: dict[str, Entity] = {}
    for row in data["entities"]:
        etype = cast(EntityType, row["type"])
        entity = Entity(
            key=f"{etype}:{_slug(row['name'])}",
            name=row["name"],
            type=etype,
            aliases=tuple(row["aliases"]),
            affiliation=row.get("affiliation"),
        )
        for alias in (row["name"], *row["aliases"]):
            table[_norm(alias)] = entity
    return table


def resolve(name: str) -> Entity | None:
    """The canonical entity a name stands for ("Pyongyang" -> North Korea), or None."""
    return alias_table().get(_norm(name))


def extract_entities(doc: Doc, article: Article) -> list[EntityMention]:
    """Named-entity mentions of ``doc``, resolved to canonical entity keys where known."""
    out: list[EntityMention] = []
    for ent in doc.ents:
        if ent.label_ not in {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}:
            continue
        entity = resolve(ent.text)
        out.append(
            EntityMention(
                article_id=article.id,
                start=ent.start_char,
                end=ent.end_char,
                text=ent.text,
                label=ent.label_,
                entity=entity.key if entity else None,
            )
        )
    return out
