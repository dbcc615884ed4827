"""The web UI's reads for the story list, a story, and a claim group (web/stories.py), here.

Like store/reads.py: each function takes the store's connection (SQLite's, or PostgreSQL's,
which runs the same text) and returns rows readable by column name; web/stories.py shapes
them and holds no SQL. Lists of ids are read 500 at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# an article's outlet and what names an outlet-less one (web/db.py with_outlet)
OUTLET_COLS = "a.outlet, a.original_source AS outlet_credit, a.source AS outlet_source"
# the outlet as the link layer counted it (an unknown publisher named by its source), so the
# matrix and the sources read the same names as the group's outlets list
_MEMBER_COLS = """m.group_id, c.id, c.article_id, c.content, c.speaker, c.speaker_text, c.polarity,
                  coalesce(m.publisher, a.outlet) AS outlet, a.published"""
_CHUNK = 500


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _parts(ids: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


# the story list --------------------------------------------------------------------------

def stories_by_size(conn: Any, like: str | None, limit: int, offset: int) -> list[Any]:
    """Stories (id, title, counts, date range) largest first, from story_stats (migration 0004);
    ``like`` a LIKE pattern on the title (escaped with backslash)."""
    where, args = ("WHERE s.title LIKE ? ESCAPE '\\'", [like]) if like else ("", [])
    return list(conn.execute(
        f"""SELECT s.id, s.title, st.n_articles, st.n_groups, st.n_disputed,
                   st.first_published AS first, st.last_published AS last
            FROM story_stats st JOIN stories s ON s.id = st.story_id {where}
            ORDER BY st.n_articles DESC, st.story_id LIMIT ? OFFSET ?""", [*args, limit, offset]))


def story_outlets(conn: Any, story_ids: list[str]) -> list[Any]:
    """(story_id, outlet) of some stories, by outlet."""
    if not story_ids:
        return []
    return list(conn.execute(f"SELECT story_id, outlet FROM story_outlets WHERE story_id IN ({_marks(len(story_ids))}) "
                             "ORDER BY outlet", story_ids))


def stories_counted(conn: Any, like: str | None, limit: int, offset: int) -> list[Any]:
    """:func:`stories_by_size` counted per request (a ledger without migration 0004)."""
    where, args = ("WHERE s.title LIKE ? ESCAPE '\\'", [like]) if like else ("", [])
    return list(conn.execute(
        f"""SELECT s.id, s.title,
                   (SELECT count(*) FROM story_articles sa WHERE sa.story_id = s.id) AS n_articles,
                   (SELECT count(*) FROM claim_groups g WHERE g.story_id = s.id
                        AND g.status LIKE '%"disputed"%') AS n_disputed,
                   (SELECT count(*) FROM claim_groups g WHERE g.story_id = s.id) AS n_groups
            FROM stories s {where} ORDER BY n_articles DESC, s.id LIMIT ? OFFSET ?""", [*args, limit, offset]))


def unnamed_outlets(conn: Any, story_ids: list[str], limit: int) -> list[Any]:
    """(story_id, outlet_credit, outlet_source) of some stories' articles without an outlet (the
    summaries list only named outlets), distinct, at most ``limit`` rows."""
    if not story_ids:
        return []
    return list(conn.execute(
        f"""SELECT DISTINCT sa.story_id, a.original_source AS outlet_credit, a.source AS outlet_source
            FROM story_articles sa JOIN articles a ON a.id = sa.article_id
            WHERE sa.story_id IN ({_marks(len(story_ids))}) AND a.outlet IS NULL
            ORDER BY sa.story_id, outlet_credit, outlet_source LIMIT ?""", [*story_ids, limit]))


def story_span(conn: Any, story_id: str) -> Any:
    """(first, last, outlets as JSON text) of one story's articles."""
    return conn.execute(
        """SELECT min(a.published) AS first, max(a.published) AS last,
                  json_group_array(DISTINCT a.outlet) AS outlets
           FROM story_articles sa JOIN articles a ON a.id = sa.article_id
           WHERE sa.story_id = ? AND a.outlet IS NOT NULL""", (story_id,)).fetchone()


# a story ------------------------------------------------------------------------------

def story_row(conn: Any, story_id: str) -> Any:
    """A stories row, or None."""
    return conn.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()


def story_title(conn: Any, story_id: str | None) -> Any:
    """(id, title) of a story, or None."""
    return conn.execute("SELECT id, title FROM stories WHERE id = ?", (story_id,)).fetchone()


def story_article_count(conn: Any, story_id: str) -> int:
    """How many articles a story has."""
    return int(conn.execute("SELECT count(*) FROM story_articles WHERE story_id = ?", (story_id,)).fetchone()[0])


def story_articles(conn: Any, story_id: str, limit: int, offset: int) -> list[Any]:
    """One page of a story's articles (id, title, outlet columns, dates), oldest first."""
    return list(conn.execute(
        f"""SELECT a.id, a.title, {OUTLET_COLS}, a.published, a.published_source FROM story_articles sa
           JOIN articles a ON a.id = sa.article_id WHERE sa.story_id = ? ORDER BY a.published, sa.rowid
           LIMIT ? OFFSET ?""", (story_id, limit, offset)))


def group_status_counts(conn: Any, story_id: str) -> list[Any]:
    """(status JSON, n) of a story's groups."""
    return list(conn.execute("SELECT status, count(*) AS n FROM claim_groups WHERE story_id = ? GROUP BY status",
                             (story_id,)))


def story_groups(conn: Any, story_id: str, limit: int, offset: int) -> list[Any]:
    """One page of a story's claim groups, by first seen."""
    return list(conn.execute("SELECT * FROM claim_groups WHERE story_id = ? ORDER BY first_seen, rowid LIMIT ? OFFSET ?",
                             (story_id, limit, offset)))


def report_dates(conn: Any, story_id: str) -> list[str]:
    """The distinct publication dates of a story's articles."""
    return [r[0] for r in conn.execute(
        """SELECT DISTINCT a.published FROM story_articles sa JOIN articles a ON a.id = sa.article_id
           WHERE sa.story_id = ? AND a.published IS NOT NULL ORDER BY 1""", (story_id,))]


def group_principals(conn: Any, group_ids: list[str]) -> list[Any]:
    """(id, principals JSON) of some groups."""
    return [r for part in _parts(group_ids) for r in conn.execute(
        f"SELECT id, principals FROM claim_groups WHERE id IN ({_marks(len(part))})", part)]


def article_outlets(conn: Any, article_ids: list[str]) -> list[Any]:
    """(id, outlet columns) of some articles."""
    return [r for part in _parts(article_ids) for r in conn.execute(
        f"SELECT a.id, {OUTLET_COLS} FROM articles a WHERE a.id IN ({_marks(len(part))})", part)]


def most_carried_groups(conn: Any, story_id: str, limit: int) -> list[Any]:
    """A story's groups with the most independent origins, then outlets (the bottom line's pool)."""
    return list(conn.execute(
        """SELECT * FROM claim_groups WHERE story_id = ? ORDER BY json_array_length(independent_origins) DESC,
           json_array_length(outlets) DESC, rowid LIMIT ?""", (story_id, limit)))


def member_ids(conn: Any, group_ids: list[str]) -> list[tuple[str, str]]:
    """(group id, claim id) of some groups' members, in the order they joined."""
    if not group_ids:
        return []
    return [(r[0], r[1]) for r in conn.execute(
        f"SELECT group_id, claim_id FROM group_members WHERE group_id IN ({_marks(len(group_ids))}) ORDER BY rowid",
        group_ids)]


def claims_brief(conn: Any, claim_ids: list[str]) -> list[Any]:
    """(id, article_id, content, polarity, hedged, cue) of some claims."""
    return [r for part in _parts(claim_ids) for r in conn.execute(
        f"SELECT id, article_id, content, polarity, hedged, cue FROM claims WHERE id IN ({_marks(len(part))}) "
        "ORDER BY id", part)]


def groups_by_id(conn: Any, group_ids: list[str]) -> list[Any]:
    """claim_groups rows of some ids."""
    if not group_ids:
        return []
    return list(conn.execute(f"SELECT * FROM claim_groups WHERE id IN ({_marks(len(group_ids))}) ORDER BY id",
                             group_ids))


def group_row(conn: Any, group_id: str) -> Any:
    """A claim_groups row, or None."""
    return conn.execute("SELECT * FROM claim_groups WHERE id = ?", (group_id,)).fetchone()


# members, relations, quantities -----------------------------------------------------------

def members(conn: Any, group_ids: list[str]) -> list[Any]:
    """Member claims of some groups (who, stance, outlet; no text), oldest first."""
    if not group_ids:
        return []
    return list(conn.execute(
        f"""SELECT {_MEMBER_COLS}
            FROM group_members m JOIN claims c ON c.id = m.claim_id JOIN articles a ON a.id = c.article_id
            WHERE m.group_id IN ({_marks(len(group_ids))}) ORDER BY a.published, m.rowid""", group_ids))


def member_page(conn: Any, group_id: str, limit: int, offset: int) -> list[Any]:
    """One page of a group's members with their claims and articles (text included)."""
    return list(conn.execute(
        """SELECT m.group_id, m.origin, m.publisher, c.*, coalesce(m.publisher, a.outlet) AS outlet,
                  a.title AS article_title, a.published, a.text AS article_text
           FROM group_members m JOIN claims c ON c.id = m.claim_id JOIN articles a ON a.id = c.article_id
           WHERE m.group_id = ? ORDER BY a.published, m.rowid LIMIT ? OFFSET ?""", (group_id, limit, offset)))


def contradictions_touching(conn: Any, ids: list[str]) -> list[Any]:
    """Contradiction relations with an end among ``ids``, in insertion order."""
    if not ids:
        return []
    m = _marks(len(ids))
    return list(conn.execute(
        f"SELECT * FROM relations WHERE kind = 'contradicts' AND (a IN ({m}) OR b IN ({m})) ORDER BY rowid", ids + ids))


_LABEL_COLS = "c.id, c.article_id, c.content, c.speaker, c.speaker_text, c.polarity, m.group_id"


def claim_label(conn: Any, claim_id: str) -> Any:
    """A claim with its group, for labelling a relation end, or None."""
    return conn.execute(f"""SELECT {_LABEL_COLS} FROM claims c LEFT JOIN group_members m ON m.claim_id = c.id
                            WHERE c.id = ?""", (claim_id,)).fetchone()


def first_member_label(conn: Any, group_id: str) -> Any:
    """A group's first member, for labelling a relation end, or None."""
    return conn.execute(f"""SELECT {_LABEL_COLS} FROM group_members m JOIN claims c ON c.id = m.claim_id
                            WHERE m.group_id = ? ORDER BY m.rowid LIMIT 1""", (group_id,)).fetchone()


_QUANTITY_COLS = f"""q.*, {OUTLET_COLS}, a.published FROM story_articles sa
              JOIN quantities q ON q.article_id = sa.article_id JOIN articles a ON a.id = sa.article_id"""


def story_quantities(conn: Any, story_id: str, limit: int, offset: int) -> list[Any]:
    """One page of a story's counted quantities (with a unit), by unit and date."""
    return list(conn.execute(
        f"""SELECT {_QUANTITY_COLS} WHERE sa.story_id = ? AND q.unit IS NOT NULL
            ORDER BY q.unit, a.published, q.rowid LIMIT ? OFFSET ?""", (story_id, limit, offset)))


def story_quantity_count(conn: Any, story_id: str) -> int:
    """How many counted quantities a story has."""
    return int(conn.execute("""SELECT count(*) FROM story_articles sa JOIN quantities q ON q.article_id = sa.article_id
                               WHERE sa.story_id = ? AND q.unit IS NOT NULL""", (story_id,)).fetchone()[0])


def quantities_of_units(conn: Any, story_id: str, units: list[str], limit: int) -> list[Any]:
    """A story's quantities of some units (those a page compares for conflicts), at most ``limit``."""
    if not units:
        return []
    return list(conn.execute(
        f"SELECT {_QUANTITY_COLS} WHERE sa.story_id = ? AND q.unit IN ({_marks(len(units))}) ORDER BY q.rowid LIMIT ?",
        [story_id, *units, limit]))


def claims_of_articles(conn: Any, article_ids: list[str]) -> list[Any]:
    """The spans, contents and speakers of some articles' claims."""
    if not article_ids:
        return []
    return list(conn.execute(
        f"""SELECT id, article_id, start, end, sentence_start, sentence_end, content, speaker, speaker_text
            FROM claims WHERE article_id IN ({_marks(len(article_ids))}) ORDER BY article_id, rowid""", article_ids))
