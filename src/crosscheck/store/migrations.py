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


MIGRATIONS.append(
    (
        # Summary rows for the web UI's story list, kept by triggers so a list of 100k-article
        # stories pages in milliseconds instead of counting every story's articles per request.
        # Inserts bump counts; deletes and updates recount the one story they touch, so the
        # numbers stay right whatever the writer does (INSERT OR IGNORE, merges, re-linking).
        # published_at orders a story's articles without a join; story_articles is read by story.
        "0004_story_stats",
        """
            CREATE TABLE story_stats (
                story_id TEXT PRIMARY KEY,
                n_articles INTEGER NOT NULL DEFAULT 0,
                n_groups INTEGER NOT NULL DEFAULT 0,
                n_disputed INTEGER NOT NULL DEFAULT 0,
                first_published TEXT,
                last_published TEXT
            );
            CREATE INDEX story_stats_size ON story_stats(n_articles DESC, story_id);
            CREATE TABLE story_outlets (
                story_id TEXT NOT NULL, outlet TEXT NOT NULL, n INTEGER NOT NULL,
                PRIMARY KEY (story_id, outlet)
            ) WITHOUT ROWID;
            CREATE INDEX claim_groups_story_seen ON claim_groups(story_id, first_seen);
            CREATE INDEX quantities_claim ON quantities(claim_id);
            CREATE INDEX claims_speaker_entity ON claims(speaker_entity);
            CREATE INDEX claims_speaker_text ON claims(speaker_text) WHERE speaker IS NULL;

            CREATE TRIGGER story_stats_story_ai AFTER INSERT ON stories BEGIN
                INSERT OR IGNORE INTO story_stats (story_id) VALUES (new.id);
            END;
            CREATE TRIGGER story_stats_story_ad AFTER DELETE ON stories BEGIN
                DELETE FROM story_stats WHERE story_id = old.id;
                DELETE FROM story_outlets WHERE story_id = old.id;
            END;

            CREATE TRIGGER story_stats_sa_ai AFTER INSERT ON story_articles BEGIN
                INSERT INTO story_stats (story_id, n_articles, first_published, last_published)
                SELECT new.story_id, 1, a.published, a.published FROM (SELECT 1)
                LEFT JOIN articles a ON a.id = new.article_id WHERE true
                ON CONFLICT (story_id) DO UPDATE SET
                    n_articles = n_articles + 1,
                    first_published = min(coalesce(first_published, excluded.first_published),
                                          coalesce(excluded.first_published, first_published)),
                    last_published = max(coalesce(last_published, excluded.last_published),
                                         coalesce(excluded.last_published, last_published));
                INSERT INTO story_outlets (story_id, outlet, n)
                SELECT new.story_id, a.outlet, 1 FROM articles a WHERE a.id = new.article_id AND a.outlet IS NOT NULL
                ON CONFLICT (story_id, outlet) DO UPDATE SET n = n + 1;
            END;
            CREATE TRIGGER story_stats_sa_ad AFTER DELETE ON story_articles BEGIN
                UPDATE story_stats SET
                    n_articles = (SELECT count(*) FROM story_articles WHERE story_id = old.story_id),
                    first_published = (SELECT min(a.published) FROM story_articles sa JOIN articles a
                                       ON a.id = sa.article_id WHERE sa.story_id = old.story_id),
                    last_published = (SELECT max(a.published) FROM story_articles sa JOIN articles a
                                      ON a.id = sa.article_id WHERE sa.story_id = old.story_id)
                WHERE story_id = old.story_id;
                UPDATE story_outlets SET n = n - 1 WHERE story_id = old.story_id
                    AND outlet = (SELECT outlet FROM articles WHERE id = old.article_id);
                DELETE FROM story_outlets WHERE story_id = old.story_id AND n <= 0;
            END;
            CREATE TRIGGER story_stats_sa_au AFTER UPDATE ON story_articles BEGIN
                DELETE FROM story_outlets WHERE story_id IN (old.story_id, new.story_id);
                INSERT INTO story_outlets (story_id, outlet, n)
                SELECT sa.story_id, a.outlet, count(*) FROM story_articles sa JOIN articles a ON a.id = sa.article_id
                WHERE sa.story_id IN (old.story_id, new.story_id) AND a.outlet IS NOT NULL
                GROUP BY sa.story_id, a.outlet;
                INSERT OR IGNORE INTO story_stats (story_id) VALUES (new.story_id);
                UPDATE story_stats SET
                    n_articles = (SELECT count(*) FROM story_articles WHERE story_id = story_stats.story_id),
                    first_published = (SELECT min(a.published) FROM story_articles sa JOIN articles a
                                       ON a.id = sa.article_id WHERE sa.story_id = story_stats.story_id),
                    last_published = (SELECT max(a.published) FROM story_articles sa JOIN articles a
                                      ON a.id = sa.article_id WHERE sa.story_id = story_stats.story_id)
                WHERE story_id IN (old.story_id, new.story_id);
            END;

            CREATE TRIGGER story_stats_g_ai AFTER INSERT ON claim_groups WHEN new.story_id IS NOT NULL BEGIN
                INSERT INTO story_stats (story_id, n_groups, n_disputed)
                VALUES (new.story_id, 1, new.status LIKE '%"disputed"%')
                ON CONFLICT (story_id) DO UPDATE SET n_groups = n_groups + 1,
                    n_disputed = n_disputed + excluded.n_disputed;
            END;
            CREATE TRIGGER story_stats_g_ad AFTER DELETE ON claim_groups WHEN old.story_id IS NOT NULL BEGIN
                UPDATE story_stats SET n_groups = n_groups - 1,
                    n_disputed = n_disputed - (old.status LIKE '%"disputed"%')
                WHERE story_id = old.story_id;
            END;
            CREATE TRIGGER story_stats_g_au AFTER UPDATE OF story_id, status ON claim_groups BEGIN
                UPDATE story_stats SET n_groups = n_groups - 1,
                    n_disputed = n_disputed - (old.status LIKE '%"disputed"%')
                WHERE story_id = old.story_id;
                INSERT INTO story_stats (story_id, n_groups, n_disputed)
                SELECT new.story_id, 1, new.status LIKE '%"disputed"%' WHERE new.story_id IS NOT NULL
                ON CONFLICT (story_id) DO UPDATE SET n_groups = n_groups + 1,
                    n_disputed = n_disputed + excluded.n_disputed;
            END;

            INSERT INTO story_stats (story_id, n_articles, n_groups, n_disputed, first_published, last_published)
            SELECT s.id,
                   (SELECT count(*) FROM story_articles sa WHERE sa.story_id = s.id),
                   (SELECT count(*) FROM claim_groups g WHERE g.story_id = s.id),
                   (SELECT count(*) FROM claim_groups g WHERE g.story_id = s.id AND g.status LIKE '%"disputed"%'),
                   (SELECT min(a.published) FROM story_articles sa JOIN articles a ON a.id = sa.article_id
                    WHERE sa.story_id = s.id),
                   (SELECT max(a.published) FROM story_articles sa JOIN articles a ON a.id = sa.article_id
                    WHERE sa.story_id = s.id)
            FROM stories s;
            INSERT INTO story_outlets (story_id, outlet, n)
            SELECT sa.story_id, a.outlet, count(*) FROM story_articles sa JOIN articles a ON a.id = sa.article_id
            WHERE a.outlet IS NOT NULL GROUP BY sa.story_id, a.outlet
        """,
    )
)


MIGRATIONS.append(
    (
        # Who said what, and about whom, in date order, for the web UI's speaker and entity pages:
        # one row per (facet, value, claim) where facet is 'speaker' (the resolved name, else as
        # written), 'said' (the speaker's entity) or 'about' (an entity mentioned inside the
        # claim's span). Rows carry the article's date and outlet, so a page and its over-time
        # chart read one index range instead of joining and sorting every claim of a busy
        # speaker. Kept by triggers on claims, entity_mentions and articles (a superseded
        # version's claims leave the index), whatever order the writer inserts in.
        "0005_claim_facets",
        """
            CREATE TABLE claim_facets (
                facet TEXT NOT NULL, value TEXT NOT NULL, published TEXT NOT NULL,
                article_rowid INTEGER NOT NULL, start INTEGER NOT NULL, claim_id TEXT NOT NULL,
                outlet TEXT, polarity TEXT,
                PRIMARY KEY (facet, value, published, article_rowid, start, claim_id)
            ) WITHOUT ROWID;
            CREATE INDEX claim_facets_claim ON claim_facets(claim_id);
            CREATE INDEX entity_mentions_entity_text ON entity_mentions(entity, text);

            CREATE TRIGGER claim_facets_c_ai AFTER INSERT ON claims BEGIN
                INSERT OR IGNORE INTO claim_facets
                SELECT 'speaker', coalesce(new.speaker, new.speaker_text), coalesce(a.published, ''), a.rowid, new.start, new.id, a.outlet, new.polarity
                FROM articles a WHERE a.id = new.article_id AND a.superseded_by IS NULL
                    AND coalesce(new.speaker, new.speaker_text) IS NOT NULL;
                INSERT OR IGNORE INTO claim_facets
                SELECT 'said', new.speaker_entity, coalesce(a.published, ''), a.rowid, new.start, new.id, a.outlet, new.polarity
                FROM articles a WHERE a.id = new.article_id AND a.superseded_by IS NULL
                    AND new.speaker_entity IS NOT NULL;
                INSERT OR IGNORE INTO claim_facets
                SELECT DISTINCT 'about', m.entity, coalesce(a.published, ''), a.rowid, new.start, new.id, a.outlet, new.polarity
                FROM entity_mentions m JOIN articles a ON a.id = new.article_id
                WHERE m.article_id = new.article_id AND m.entity IS NOT NULL AND a.superseded_by IS NULL
                    AND m.start >= new.start AND m.end <= new.end;
            END;
            CREATE TRIGGER claim_facets_c_ad AFTER DELETE ON claims BEGIN
                DELETE FROM claim_facets WHERE claim_id = old.id;
            END;
            CREATE TRIGGER claim_facets_c_au AFTER UPDATE OF speaker, speaker_text, speaker_entity, polarity,
                    start, end ON claims BEGIN
                DELETE FROM claim_facets WHERE claim_id = old.id;
                INSERT OR IGNORE INTO claim_facets
                SELECT 'speaker', coalesce(new.speaker, new.speaker_text), coalesce(a.published, ''), a.rowid, new.start, new.id, a.outlet, new.polarity
                FROM articles a WHERE a.id = new.article_id AND a.superseded_by IS NULL
                    AND coalesce(new.speaker, new.speaker_text) IS NOT NULL;
                INSERT OR IGNORE INTO claim_facets
                SELECT 'said', new.speaker_entity, coalesce(a.published, ''), a.rowid, new.start, new.id, a.outlet, new.polarity
                FROM articles a WHERE a.id = new.article_id AND a.superseded_by IS NULL
                    AND new.speaker_entity IS NOT NULL;
                INSERT OR IGNORE INTO claim_facets
                SELECT DISTINCT 'about', m.entity, coalesce(a.published, ''), a.rowid, new.start, new.id, a.outlet, new.polarity
                FROM entity_mentions m JOIN articles a ON a.id = new.article_id
                WHERE m.article_id = new.article_id AND m.entity IS NOT NULL AND a.superseded_by IS NULL
                    AND m.start >= new.start AND m.end <= new.end;
            END;

            CREATE TRIGGER claim_facets_m_ai AFTER INSERT ON entity_mentions WHEN new.entity IS NOT NULL BEGIN
                INSERT OR IGNORE INTO claim_facets
                SELECT 'about', new.entity, coalesce(a.published, ''), a.rowid, c.start, c.id, a.outlet, c.polarity
                FROM claims c JOIN articles a ON a.id = c.article_id
                WHERE c.article_id = new.article_id AND a.superseded_by IS NULL
                    AND new.start >= c.start AND new.end <= c.end;
            END;
            CREATE TRIGGER claim_facets_m_ad AFTER DELETE ON entity_mentions WHEN old.entity IS NOT NULL BEGIN
                DELETE FROM claim_facets WHERE facet = 'about' AND value = old.entity
                    AND claim_id IN (SELECT id FROM claims WHERE article_id = old.article_id);
                INSERT OR IGNORE INTO claim_facets
                SELECT DISTINCT 'about', m.entity, coalesce(a.published, ''), a.rowid, c.start, c.id, a.outlet, c.polarity
                FROM entity_mentions m JOIN claims c ON c.article_id = m.article_id
                    AND m.start >= c.start AND m.end <= c.end
                JOIN articles a ON a.id = c.article_id
                WHERE m.article_id = old.article_id AND m.entity = old.entity AND a.superseded_by IS NULL;
            END;
            CREATE TRIGGER claim_facets_m_au AFTER UPDATE OF entity, start, end ON entity_mentions BEGIN
                DELETE FROM claim_facets WHERE facet = 'about' AND value IN (old.entity, new.entity)
                    AND claim_id IN (SELECT id FROM claims WHERE article_id IN (old.article_id, new.article_id));
                INSERT OR IGNORE INTO claim_facets
                SELECT DISTINCT 'about', m.entity, coalesce(a.published, ''), a.rowid, c.start, c.id, a.outlet, c.polarity
                FROM entity_mentions m JOIN claims c ON c.article_id = m.article_id
                    AND m.start >= c.start AND m.end <= c.end
                JOIN articles a ON a.id = c.article_id
                WHERE m.article_id IN (old.article_id, new.article_id) AND m.entity IN (old.entity, new.entity)
                    AND a.superseded_by IS NULL;
            END;

            CREATE TRIGGER claim_facets_a_au AFTER UPDATE OF superseded_by ON articles
                    WHEN new.superseded_by IS NOT NULL BEGIN
                DELETE FROM claim_facets WHERE claim_id IN (SELECT id FROM claims WHERE article_id = new.id);
            END;

            INSERT OR IGNORE INTO claim_facets
            SELECT 'speaker', coalesce(c.speaker, c.speaker_text), coalesce(a.published, ''), a.rowid, c.start, c.id, a.outlet, c.polarity
            FROM claims c JOIN articles a ON a.id = c.article_id
            WHERE a.superseded_by IS NULL AND coalesce(c.speaker, c.speaker_text) IS NOT NULL;
            INSERT OR IGNORE INTO claim_facets
            SELECT 'said', c.speaker_entity, coalesce(a.published, ''), a.rowid, c.start, c.id, a.outlet, c.polarity
            FROM claims c JOIN articles a ON a.id = c.article_id
            WHERE a.superseded_by IS NULL AND c.speaker_entity IS NOT NULL;
            INSERT OR IGNORE INTO claim_facets
            SELECT DISTINCT 'about', m.entity, coalesce(a.published, ''), a.rowid, c.start, c.id, a.outlet, c.polarity
            FROM entity_mentions m JOIN claims c ON c.article_id = m.article_id AND m.start >= c.start AND m.end <= c.end
            JOIN articles a ON a.id = c.article_id
            WHERE m.entity IS NOT NULL AND a.superseded_by IS NULL
        """,
    )
)

MIGRATIONS.append(
    (
        "0006_link_scoped_keys",
        """
            -- the keys of one story are read by story (its norm): without this each read scanned the table
            CREATE INDEX story_keys_story ON story_keys(story_id);
            -- group keys are looked up inside one story and polarity: a key common across the
            -- corpus ("w:rate") no longer caps out the groups of a story that needs it
            CREATE TABLE group_keys_scoped (
                story_id TEXT NOT NULL, polarity TEXT NOT NULL, key TEXT NOT NULL, group_id TEXT NOT NULL,
                PRIMARY KEY (story_id, polarity, key, group_id)
            ) WITHOUT ROWID;
            INSERT OR IGNORE INTO group_keys_scoped
            SELECT coalesce(g.story_id, ''), g.polarity, k.key, k.group_id
            FROM group_keys k JOIN claim_groups g ON g.id = k.group_id;
            DROP TABLE group_keys;
            ALTER TABLE group_keys_scoped RENAME TO group_keys;
            CREATE INDEX group_keys_group ON group_keys(group_id);
            -- dates left without a year are few: the link layer reads them all to resolve them
            CREATE INDEX times_open_dates ON times(article_id) WHERE value IS NULL AND type = 'DATE'
        """,
    )
)

MIGRATIONS.append(
    (
        "0007_link_pending",
        """
            -- what a linking run touched and has not finished yet (derived fields, learned facts):
            -- written with each article, cleared by the end-of-run pass, so that the next run
            -- completes a run that stopped before its end
            CREATE TABLE link_pending (
                kind TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (kind, id)
            ) WITHOUT ROWID
        """,
    )
)

MIGRATIONS.append(
    (
        "0008_group_principals",
        """
            -- who stands behind and against each claim group, as principals (link/principals.py):
            -- {"label", "asserted_by", "denied_by", "contested_by", "non_denials", "coalitions"}
            ALTER TABLE claim_groups ADD COLUMN principals TEXT NOT NULL DEFAULT '{}'
        """,
    )
)

MIGRATIONS.append(
    (
        "0009_fetch_cache",  # named after main's 0008_group_principals, which lands first
        """
            -- what crosscheck watch fetched over HTTP (feeds and their pages): the validators for a
            -- conditional GET next time (ETag, Last-Modified), written only once what the answer
            -- held is stored, so an interrupted poll fetches it again
            CREATE TABLE fetch_cache (
                url TEXT PRIMARY KEY,
                etag TEXT,
                last_modified TEXT,
                status INTEGER NOT NULL,
                fetched_at TEXT NOT NULL
            ) WITHOUT ROWID
        """,
    )
)

MIGRATIONS.append(
    (
        "0010_story_vectors",
        """
            -- each story's content: the sum of its articles' content vectors (the mean MiniLM
            -- vector of an article's claims, float32), so an article joins a story on what it
            -- says, not only on the entities it shares (link/stories.py)
            CREATE TABLE story_vectors (
                story_id TEXT PRIMARY KEY, vec BLOB NOT NULL, n INTEGER NOT NULL
            )
        """,
    )
)

MIGRATIONS.append(
    (
        "0011_time_resolutions",
        """
            -- the story-level dating pass (link/timeline.py, link/refdates.py) records what it
            -- resolves here, with its evidence, instead of overwriting the annotate stage's rows
            -- of times: those stay what annotation found. Readers see times_resolved, the rows with
            -- the link layer's resolution laid over them (the export's times[].value is unchanged).
            -- Ledgers linked before this migration keep the values earlier runs wrote into times.
            CREATE TABLE time_resolutions (
                time_id TEXT PRIMARY KEY REFERENCES times(id) ON DELETE CASCADE,
                value TEXT NOT NULL,
                type TEXT,
                anchor TEXT,
                resolved_by TEXT,
                pass TEXT NOT NULL,
                resolved_at TEXT NOT NULL
            );
            CREATE VIEW times_resolved AS
                SELECT t.id, t.article_id, t.start, t.end, t.text,
                       coalesce(r.value, t.value) AS value, coalesce(r.type, t.type) AS type,
                       CASE WHEN r.time_id IS NULL THEN t.resolution ELSE 'cross_article' END AS resolution,
                       t.reason,
                       CASE WHEN r.time_id IS NULL THEN t.anchor ELSE r.anchor END AS anchor,
                       CASE WHEN r.time_id IS NULL THEN t.resolved_by ELSE r.resolved_by END AS resolved_by,
                       t.rowid AS rowid
                FROM times t LEFT JOIN time_resolutions r ON r.time_id = t.id
        """,
    )
)

MIGRATIONS.append(
    (
        "0012_pg_summaries",
        """
            -- PostgreSQL's: its web summaries (0004, 0005) become tables kept by triggers, as
            -- they are here, and its search stores tsvectors (store/pgschema.py). Nothing to do
            -- in SQLite, whose FTS5 tables already hold the index; the name keeps both in step.
            SELECT 1
        """,
    )
)

MIGRATIONS.append(
    (
        "0013_story_members",
        """
            -- each story member's key profile (JSON) and content vector (float32, or NULL without
            -- claims), so an article joins a story by the members it is close to, not by the
            -- story's accumulated profile (link/stories.py); seq orders a story's members as linked.
            -- Stories linked before this migration have no rows here and are judged as before.
            CREATE TABLE story_members (
                article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL, seq INTEGER NOT NULL,
                keys TEXT NOT NULL, vec BLOB
            );
            CREATE INDEX story_members_story ON story_members(story_id, seq)
        """,
    )
)
