"""Named, ordered schema migrations. Each runs once, in one transaction, and is recorded.

Never edit a migration that has shipped: add a new one. docs/SCHEMA.md documents the tables.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_articles_and_annotations",
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            raw_sha TEXT NOT NULL,
            version_of TEXT,
            superseded_by TEXT,
            text TEXT NOT NULL,
            title TEXT, outlet TEXT, original_source TEXT, author TEXT,
            published TEXT,
            published_source TEXT NOT NULL DEFAULT 'none',
            language TEXT NOT NULL DEFAULT 'en',
            removed_lines TEXT NOT NULL DEFAULT '[]',
            ingested_at TEXT NOT NULL
        );
        CREATE INDEX articles_source ON articles(source);
        CREATE TABLE entity_mentions (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL, end INTEGER NOT NULL,
            text TEXT NOT NULL, label TEXT NOT NULL, entity TEXT,
            PRIMARY KEY (article_id, start, end, label)
        );
        CREATE INDEX entity_mentions_entity ON entity_mentions(entity);
        CREATE TABLE claims (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL, end INTEGER NOT NULL,
            content TEXT NOT NULL, cue TEXT NOT NULL, kind TEXT NOT NULL,
            direct INTEGER NOT NULL, polarity TEXT NOT NULL,
            speaker TEXT, speaker_text TEXT, speaker_start INTEGER, speaker_end INTEGER,
            speaker_entity TEXT, cue_start INTEGER, cue_end INTEGER,
            hedged INTEGER NOT NULL, hedges TEXT NOT NULL DEFAULT '[]',
            reported_by TEXT, sentence_start INTEGER, sentence_end INTEGER, points_at TEXT
        );
        CREATE INDEX claims_article ON claims(article_id);
        CREATE INDEX claims_speaker ON claims(speaker);
        CREATE TABLE times (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL,
            value TEXT, type TEXT NOT NULL, resolution TEXT NOT NULL,
            reason TEXT, anchor TEXT, resolved_by TEXT
        );
        CREATE INDEX times_article ON times(article_id);
        CREATE TABLE quantities (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL,
            value REAL NOT NULL, value_max REAL, bound TEXT NOT NULL, unit TEXT, claim_id TEXT
        );
        CREATE INDEX quantities_article ON quantities(article_id);
        CREATE TABLE rejects (
            source TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL
        );
        """,
    ),
]
