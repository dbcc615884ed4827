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
MIGRATIONS.append(
    (
        # The cross-source layer's state: everything linking needs to run incrementally
        # (MinHash signatures and LSH band buckets, story and group keys, claim vectors).
        "0002_link_layer",
        """
        CREATE TABLE link_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE linked_articles (
            article_id TEXT PRIMARY KEY,
            minhash BLOB,
            duplicate_of TEXT,
            story_id TEXT,
            publisher TEXT,
            linked_at TEXT NOT NULL
        );
        CREATE TABLE lsh_bands (
            band INTEGER NOT NULL, bucket TEXT NOT NULL, article_id TEXT NOT NULL,
            PRIMARY KEY (band, bucket, article_id)
        ) WITHOUT ROWID;
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            events TEXT NOT NULL DEFAULT '[]',
            keys TEXT NOT NULL DEFAULT '{}',
            updated_at TEXT NOT NULL
        );
        CREATE TABLE story_articles (
            story_id TEXT NOT NULL, article_id TEXT NOT NULL, score REAL,
            PRIMARY KEY (story_id, article_id)
        );
        CREATE TABLE story_keys (
            key TEXT NOT NULL, story_id TEXT NOT NULL, weight REAL NOT NULL,
            PRIMARY KEY (key, story_id)
        ) WITHOUT ROWID;
        CREATE TABLE key_df (key TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE claim_groups (
            id TEXT PRIMARY KEY,
            story_id TEXT,
            polarity TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT '[]',
            outlets TEXT NOT NULL DEFAULT '[]',
            independent_origins TEXT NOT NULL DEFAULT '[]',
            first_seen TEXT,
            why TEXT NOT NULL DEFAULT '{}',
            updated_at TEXT NOT NULL
        );
        CREATE INDEX claim_groups_story ON claim_groups(story_id);
        CREATE TABLE group_members (
            claim_id TEXT PRIMARY KEY,
            group_id TEXT NOT NULL,
            article_id TEXT NOT NULL,
            score REAL,
            vec BLOB NOT NULL,
            keys TEXT NOT NULL DEFAULT '[]',
            origin TEXT,
            publisher TEXT
        );
        CREATE INDEX group_members_group ON group_members(group_id);
        CREATE INDEX group_members_article ON group_members(article_id);
        CREATE TABLE group_keys (
            key TEXT NOT NULL, group_id TEXT NOT NULL,
            PRIMARY KEY (key, group_id)
        ) WITHOUT ROWID;
        CREATE TABLE relations (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            type TEXT,
            a TEXT NOT NULL,
            b TEXT NOT NULL,
            evidence TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX relations_a ON relations(a);
        CREATE INDEX relations_b ON relations(b)
        """,
    )
)


MIGRATIONS.append(
    (
        # Full-text search for the web UI (/search): external-content FTS5 indexes over
        # articles and claims, kept in sync by triggers so the writer path needs no change.
        # The rows already stored are indexed by the 'rebuild' commands.
        "0003_search_index",
        """
            CREATE VIRTUAL TABLE articles_fts USING fts5(
                title, text, content='articles', content_rowid='rowid',
                tokenize='unicode61 remove_diacritics 2'
            );
            CREATE VIRTUAL TABLE claims_fts USING fts5(
                content, speaker, speaker_text, content='claims', content_rowid='rowid',
                tokenize='unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
                INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
            END;
            CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
                INSERT INTO articles_fts(articles_fts, rowid, title, text)
                VALUES ('delete', old.rowid, old.title, old.text);
            END;
            CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
                INSERT INTO articles_fts(articles_fts, rowid, title, text)
                VALUES ('delete', old.rowid, old.title, old.text);
                INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
            END;
            CREATE TRIGGER claims_fts_ai AFTER INSERT ON claims BEGIN
                INSERT INTO claims_fts(rowid, content, speaker, speaker_text)
                VALUES (new.rowid, new.content, new.speaker, new.speaker_text);
            END;
            CREATE TRIGGER claims_fts_ad AFTER DELETE ON claims BEGIN
                INSERT INTO claims_fts(claims_fts, rowid, content, speaker, speaker_text)
                VALUES ('delete', old.rowid, old.content, old.speaker, old.speaker_text);
            END;
            CREATE TRIGGER claims_fts_au AFTER UPDATE OF content, speaker, speaker_text ON claims BEGIN
                INSERT INTO claims_fts(claims_fts, rowid, content, speaker, speaker_text)
                VALUES ('delete', old.rowid, old.content, old.speaker, old.speaker_text);
                INSERT INTO claims_fts(rowid, content, speaker, speaker_text)
                VALUES (new.rowid, new.content, new.speaker, new.speaker_text);
            END;
            INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
            INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')
        """,
    )
)
