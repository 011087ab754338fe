"""The archive's schema, built only by named migrations; docs/archive.md describes every part."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from archive import text_deltas
from nianbao import fields

MIGRATIONS = Migrations("nianbao")

# The extraction fields stored on every version, in column order (for the code that reads and writes
# versions; the migrations below never read them: each one's SQL is frozen as it was written).
EXTRACTION_COLUMNS = fields.STORED
JSON_COLUMNS = fields.JSON_FIELDS

_TABLES = """
CREATE TABLE schema_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE sites (
    name TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    sites TEXT NOT NULL DEFAULT '[]',
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running'
        CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
    error TEXT,
    fetched INTEGER, new INTEGER, changed INTEGER, unchanged INTEGER,
    not_modified INTEGER, removed INTEGER, errors INTEGER
);
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size INTEGER NOT NULL CHECK (size >= 0),
    codec TEXT NOT NULL CHECK (codec IN ('zstd')),
    data BLOB NOT NULL
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    site TEXT NOT NULL REFERENCES sites(name),
    kind TEXT NOT NULL CHECK (kind IN ('page', 'attachment')),
    parent_id INTEGER REFERENCES documents(id),
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'live' CHECK (status IN ('live', 'removed')),
    removed_at TEXT,
    current_version_id INTEGER REFERENCES versions(id)
);
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    number INTEGER NOT NULL CHECK (number >= 1),
    created_at TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    content_digest TEXT NOT NULL,
    title TEXT, text TEXT, index_no TEXT, topic TEXT, issuer TEXT, written_date TEXT,
    publish_date TEXT, doc_no TEXT, validity TEXT, keywords TEXT, site_name TEXT, site_id_code TEXT,
    report_year INTEGER, report_year_rule TEXT, region TEXT, encoding TEXT, encoding_rule TEXT,
    content_type TEXT,
    tables TEXT NOT NULL DEFAULT '[]',
    attachments TEXT NOT NULL DEFAULT '[]',
    flags TEXT NOT NULL DEFAULT '[]',
    stage TEXT,
    extractor_version TEXT,
    UNIQUE (document_id, number)
);
CREATE TABLE captures (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    document_id INTEGER REFERENCES documents(id),
    url TEXT NOT NULL,
    final_url TEXT,
    site TEXT NOT NULL REFERENCES sites(name),
    kind TEXT NOT NULL CHECK (kind IN ('page', 'attachment', 'list', 'home')),
    parent_url TEXT,
    title_hint TEXT,
    classify_rule TEXT,
    fetched_at TEXT NOT NULL,
    status INTEGER,
    headers TEXT NOT NULL DEFAULT '{}',
    etag TEXT,
    last_modified TEXT,
    sha256 TEXT REFERENCES blobs(sha256),
    size INTEGER,
    outcome TEXT NOT NULL
        CHECK (outcome IN ('new', 'changed', 'unchanged', 'not_modified', 'removed', 'error')),
    error_class TEXT,
    error_message TEXT,
    version_id INTEGER REFERENCES versions(id),
    extractor_version TEXT,
    CHECK (outcome != 'error' OR error_class IS NOT NULL)
);
CREATE INDEX captures_url ON captures(url, id);
CREATE INDEX captures_document ON captures(document_id, id);
CREATE INDEX captures_run ON captures(run_id);
CREATE INDEX captures_sha256 ON captures(sha256);
CREATE INDEX captures_version ON captures(version_id);
CREATE INDEX versions_sha256 ON versions(sha256);
CREATE INDEX versions_created ON versions(created_at);
CREATE INDEX documents_site ON documents(site);
CREATE INDEX documents_parent ON documents(parent_id);
CREATE INDEX documents_current ON documents(current_version_id);
"""

# Full-text search covers current versions only; the archive's own code keeps it in step
# (archive/fts.py), because triggers over every version would index superseded text too.
_SEARCH_SOURCE = """
CREATE VIEW search_source AS
    SELECT v.id AS version_id, v.title, v.text
    FROM documents d JOIN versions v ON v.id = d.current_version_id
"""
_SEARCH = _SEARCH_SOURCE + """;
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, text, content='search_source', content_rowid='version_id', tokenize='trigram'
);
"""

_VIEWS = """
CREATE VIEW current_reports AS
    SELECT d.id AS document_id, d.url, d.site, d.kind, d.parent_id, d.first_seen, d.last_seen,
           v.id AS version_id, v.number AS version, v.created_at AS version_created_at,
           v.title, v.issuer, v.report_year, v.region, v.publish_date, v.written_date,
           v.index_no, v.doc_no, v.topic, v.validity, v.keywords, v.site_name, v.site_id_code,
           v.content_type, v.flags, length(v.text) AS text_chars
    FROM documents d JOIN versions v ON v.id = d.current_version_id
    WHERE d.status = 'live';
CREATE VIEW removed_documents AS
    SELECT d.id AS document_id, d.url, d.site, d.kind, d.first_seen, d.last_seen, d.removed_at,
           v.number AS last_version, v.title, v.report_year, v.publish_date
    FROM documents d LEFT JOIN versions v ON v.id = d.current_version_id
    WHERE d.status = 'removed';
CREATE VIEW changes AS
    SELECT v.id AS version_id, d.id AS document_id, d.url, d.site, v.number, v.created_at,
           CASE WHEN v.number = 1 THEN 'new' ELSE 'changed' END AS change,
           v.title, v.report_year, v.publish_date, v.content_digest
    FROM versions v JOIN documents d ON d.id = v.document_id;
"""


@MIGRATIONS(name="001_initial")
def _initial(db: Database) -> None:
    """Create the tables, indexes, search index and views of schema version 1."""
    db.executescript(_TABLES)
    db.executescript(_SEARCH)
    db.executescript(_VIEWS)
    db.execute("INSERT INTO schema_meta(key, value) VALUES ('schema_version', '1')")


_FRONTIER = """
CREATE TABLE frontier (
    key TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT 'GET',
    form TEXT NOT NULL DEFAULT '[]',
    headers TEXT NOT NULL DEFAULT '{}',
    callback TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL CHECK (state IN ('queued', 'done')),
    run_id INTEGER REFERENCES runs(id),
    queued_at TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX frontier_site_state ON frontier(site, state);
"""


@MIGRATIONS(name="002_frontier")
def _frontier(db: Database) -> None:
    """Add the crawl frontier (queued and done requests), so a killed crawl resumes exactly."""
    for statement in _statements(_FRONTIER):  # one by one: executescript would commit mid-migration
        db.execute(statement)
    db.execute("UPDATE schema_meta SET value = '2' WHERE key = 'schema_version'")


# Per-site zstd dictionaries for blobs: template chrome repeats across a portal's pages, so a
# dictionary trained on a site's first pages shrinks the rest severalfold (bench/archive/README.md).
_DICTIONARIES = (
    """CREATE TABLE dictionaries (
        id INTEGER PRIMARY KEY,
        site TEXT NOT NULL REFERENCES sites(name),
        kind TEXT NOT NULL CHECK (kind IN ('trained', 'raw')),
        created_at TEXT NOT NULL,
        samples INTEGER NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
        data BLOB NOT NULL
    )""",
    "CREATE INDEX dictionaries_site ON dictionaries(site, id)",
    "ALTER TABLE blobs ADD COLUMN dict_id INTEGER REFERENCES dictionaries(id)",
    "CREATE INDEX captures_site ON captures(site, id)",
    "UPDATE schema_meta SET value = '3' WHERE key = 'schema_version'",
)


@MIGRATIONS(name="003_blob_dictionaries")
def _blob_dictionaries(db: Database) -> None:
    """Add per-site compression dictionaries and blobs.dict_id."""
    for statement in _DICTIONARIES:  # one by one: executescript would commit the migration's transaction
        db.execute(statement)


# Per run and site, derived from the captures (a crawl covers many sites; each succeeds or fails on its own).
_RUN_SITES = """
CREATE VIEW run_sites AS
    SELECT c.run_id, c.site, r.command, r.status AS run_status,
           min(c.fetched_at) AS first_fetch, max(c.fetched_at) AS last_fetch,
           count(*) AS fetched,
           sum(c.outcome = 'new') AS new, sum(c.outcome = 'changed') AS changed,
           sum(c.outcome = 'unchanged') AS unchanged, sum(c.outcome = 'not_modified') AS not_modified,
           sum(c.outcome = 'removed') AS removed, sum(c.outcome = 'error') AS errors,
           sum(c.outcome != 'error') AS succeeded,
           group_concat(DISTINCT c.error_class) AS error_classes,
           CASE WHEN r.status = 'running' THEN 'running'
                WHEN sum(c.outcome != 'error') = 0 THEN 'failed'
                ELSE r.status END AS outcome
    FROM captures c JOIN runs r ON r.id = c.run_id
    GROUP BY c.run_id, c.site
"""


@MIGRATIONS(name="004_run_sites")
def _run_sites(db: Database) -> None:
    """Add the run_sites view: one row per site of every run, with its counts and error classes."""
    db.execute(_RUN_SITES)
    db.execute("UPDATE schema_meta SET value = '4' WHERE key = 'schema_version'")


@MIGRATIONS(name="005_site_family")
def _site_family(db: Database) -> None:
    """Record each site's CMS family (trs, hanweb, gkmlpt …) as the crawler recognised it."""
    db.execute("ALTER TABLE sites ADD COLUMN family TEXT")
    db.execute("UPDATE schema_meta SET value = '5' WHERE key = 'schema_version'")


# The trigram index without positions (detail=none): 0.27 bytes of index per byte of text instead
# of 1.73, and a third of the indexing work. Phrases are then checked on the text itself: search
# asks the index for versions holding every trigram of a term, then keeps those whose title or
# text really contains the term (archive/search.py).
_SEARCH_DETAIL_NONE = (
    "DROP TABLE search_fts",
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title, text, content='search_source', content_rowid='version_id', tokenize='trigram', detail=none
    )""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    "UPDATE schema_meta SET value = '6' WHERE key = 'schema_version'",
)


@MIGRATIONS(name="006_search_detail_none")
def _search_detail_none(db: Database) -> None:
    """Rebuild the search index without token positions (a sixth of its size); phrases are checked on the text."""
    for statement in _SEARCH_DETAIL_NONE:
        db.execute(statement)


@MIGRATIONS(name="007_blob_deltas")
def _blob_deltas(db: Database) -> None:
    """Let a page body be stored as a delta against the first body of its URL (blobs.base_sha256)."""
    db.execute("ALTER TABLE blobs ADD COLUMN base_sha256 TEXT REFERENCES blobs(sha256)")
    db.execute("UPDATE schema_meta SET value = '7' WHERE key = 'schema_version'")


# What each list page led to when last read (archive/list_pages.py): a night served the same bytes
# follows the same links without parsing the page again.
_LIST_PAGES = (
    """CREATE TABLE list_pages (
        key TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        final_url TEXT NOT NULL,
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        rules TEXT NOT NULL,
        family TEXT,
        items TEXT NOT NULL,
        pages TEXT NOT NULL,
        read_at TEXT NOT NULL,
        etag TEXT
    )""",
    "CREATE INDEX list_pages_site ON list_pages(site)",
    "UPDATE schema_meta SET value = '8' WHERE key = 'schema_version'",
)


@MIGRATIONS(name="008_list_pages")
def _list_pages(db: Database) -> None:
    """Add list_pages: per list request, the body's sha256, the rules that read it and what they found."""
    for statement in _LIST_PAGES:
        db.execute(statement)


# Older versions' text as deltas against the current version's text (archive/text_deltas.py): the
# table becomes version_rows, and a view named versions rebuilds every text, so the archive reads
# as before in plain SQL. Renaming the table repoints foreign keys and views at version_rows; the
# views are then recreated over the new versions view.
_VERSIONS_VIEW_009 = """
CREATE VIEW versions AS SELECT r.id, r.document_id, r.number, r.created_at, r.sha256, r.content_digest, r.title,
    CASE WHEN r.text_delta IS NULL THEN r.text ELSE (
        SELECT group_concat(piece, '') FROM (
            SELECT CASE j.type WHEN 'text' THEN j.value
                   ELSE substr(b.text, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]')) END AS piece
            FROM version_rows b, json_each(r.text_delta) j
            WHERE b.id = r.text_base ORDER BY j.key)
    ) END AS text,
    r.index_no, r.topic, r.issuer, r.written_date, r.publish_date, r.doc_no, r.validity, r.keywords,
    r.site_name, r.site_id_code, r.report_year, r.report_year_rule, r.region, r.encoding, r.encoding_rule,
    r.content_type, r.tables, r.attachments, r.flags, r.stage, r.extractor_version
FROM version_rows r
"""
_VIEWS_OVER_VERSIONS = ("search_source", "current_reports", "removed_documents", "changes")
# A current version's text is never a delta, so the index reads the table itself (FTS5's
# integrity-check cannot read its content through the versions view's json_each).
_SEARCH_SOURCE_ROWS = """
CREATE VIEW search_source AS
    SELECT v.id AS version_id, v.title, v.text
    FROM documents d JOIN version_rows v ON v.id = d.current_version_id
"""


@MIGRATIONS(name="009_text_deltas")
def _text_deltas(db: Database) -> None:
    """versions becomes version_rows (+ text_base, text_delta) under a versions view; older texts as deltas."""
    db.execute("ALTER TABLE versions RENAME TO version_rows")
    db.execute("ALTER TABLE version_rows ADD COLUMN text_base INTEGER REFERENCES version_rows(id)")
    db.execute("ALTER TABLE version_rows ADD COLUMN text_delta TEXT")
    for view in _VIEWS_OVER_VERSIONS:
        db.execute(f"DROP VIEW {view}")
    db.execute(_VERSIONS_VIEW_009)
    db.execute(_SEARCH_SOURCE_ROWS)
    for statement in _statements(_VIEWS):
        db.execute(statement)
    documents = db.execute("SELECT document_id FROM version_rows GROUP BY document_id HAVING count(*) > 1")
    for (document_id,) in documents.fetchall():
        text_deltas.rebase(db, document_id)
    db.execute("UPDATE schema_meta SET value = '9' WHERE key = 'schema_version'")


def _statements(script: str) -> list[str]:
    """The statements of a DDL script without triggers (none of ours has a ';' inside a statement)."""
    return [part.strip() for part in script.split(";") if part.strip()]


# current_reports gains the site's CMS family (sites.family), as its last column so that readers of
# SELECT * keep their column positions: the web view (archive/serve) facets by it.
_CURRENT_REPORTS_010 = """
CREATE VIEW current_reports AS
    SELECT d.id AS document_id, d.url, d.site, d.kind, d.parent_id, d.first_seen, d.last_seen,
           v.id AS version_id, v.number AS version, v.created_at AS version_created_at,
           v.title, v.issuer, v.report_year, v.region, v.publish_date, v.written_date,
           v.index_no, v.doc_no, v.topic, v.validity, v.keywords, v.site_name, v.site_id_code,
           v.content_type, v.flags, length(v.text) AS text_chars, s.family
    FROM documents d JOIN versions v ON v.id = d.current_version_id
    LEFT JOIN sites s ON s.name = d.site
    WHERE d.status = 'live'
"""


@MIGRATIONS(name="010_reports_family")
def _reports_family(db: Database) -> None:
    """Add the site's CMS family to current_reports (last column), so reports can be faceted by it."""
    db.execute("DROP VIEW current_reports")
    db.execute(_CURRENT_REPORTS_010)
    db.execute("UPDATE schema_meta SET value = '10' WHERE key = 'schema_version'")


# A run that reached some sites but not all, or lost or cut short something, is "partial". Widening
# a CHECK constraint changes no stored row, so the table's SQL is edited in place (SQLite's documented
# procedure for constraint changes: https://sqlite.org/lang_altertable.html#otheralter), not rebuilt.
# In run_sites a partial run's sites that were reached are "ok": the run's other sites failed.
_RUN_STATUS_OLD = "CHECK (status IN ('running', 'ok', 'failed', 'interrupted'))"
_RUN_STATUS_NEW = "CHECK (status IN ('running', 'ok', 'partial', 'failed', 'interrupted'))"
_RUN_SITES_PARTIAL = """
CREATE VIEW run_sites AS
    SELECT c.run_id, c.site, r.command, r.status AS run_status,
           min(c.fetched_at) AS first_fetch, max(c.fetched_at) AS last_fetch,
           count(*) AS fetched,
           sum(c.outcome = 'new') AS new, sum(c.outcome = 'changed') AS changed,
           sum(c.outcome = 'unchanged') AS unchanged, sum(c.outcome = 'not_modified') AS not_modified,
           sum(c.outcome = 'removed') AS removed, sum(c.outcome = 'error') AS errors,
           sum(c.outcome != 'error') AS succeeded,
           group_concat(DISTINCT c.error_class) AS error_classes,
           CASE WHEN r.status = 'running' THEN 'running'
                WHEN sum(c.outcome != 'error') = 0 THEN 'failed'
                WHEN r.status = 'partial' THEN 'ok'
                ELSE r.status END AS outcome
    FROM captures c JOIN runs r ON r.id = c.run_id
    GROUP BY c.run_id, c.site
"""
_WIDEN_RUN_STATUS = "UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'runs'"


@MIGRATIONS(name="011_run_partial")
def _run_partial(db: Database) -> None:
    """Allow run status "partial"; run_sites calls the reached sites of a partial run "ok"."""
    db.execute("PRAGMA writable_schema = ON")
    db.execute(_WIDEN_RUN_STATUS, [_RUN_STATUS_OLD, _RUN_STATUS_NEW])
    # other connections re-read the schema when its version changes
    db.execute(f"PRAGMA schema_version = {db.execute('PRAGMA schema_version').fetchone()[0] + 1}")
    db.execute("PRAGMA writable_schema = OFF")
    db.execute("DROP VIEW run_sites")
    db.execute(_RUN_SITES_PARTIAL)
    db.execute("UPDATE schema_meta SET value = '11' WHERE key = 'schema_version'")


# Document identity (archive/identity.py): a document is its site and the canonical path and query
# of its URL (its key), so a portal that changes scheme, host or port keeps its documents. Every
# URL a document was seen at is kept (document_urls); hosts a site moved to, learned from permanent
# redirects, in site_aliases; when each document is next due (archive/revisit.py) on documents.
# Keys of existing URLs are worked out here in SQL: everything after the host, without the
# fragment, a trailing index file spelled as its directory. (nianbao.urls also sorts the query and
# normalises escapes; a URL whose key it spells otherwise is still found by the URL itself.)
_URL_KEYS_012 = """
CREATE TEMP TABLE url_keys_012 AS
WITH rest AS (
    SELECT url, substr(url, instr(url, '://') + 3) AS r FROM (
        SELECT url FROM captures UNION SELECT url FROM documents)),
path AS (
    SELECT url, CASE WHEN instr(r, '/') > 0 THEN substr(r, instr(r, '/')) ELSE '/' END AS p FROM rest),
bare AS (
    SELECT url, CASE WHEN instr(p, '#') > 0 THEN substr(p, 1, instr(p, '#') - 1) ELSE p END AS p FROM path)
SELECT url, CASE
    WHEN instr(p, '?') = 0 AND p LIKE '%/index.html' THEN substr(p, 1, length(p) - 10)
    WHEN instr(p, '?') = 0 AND p LIKE '%/index.htm' THEN substr(p, 1, length(p) - 9)
    WHEN instr(p, '?') = 0 AND p LIKE '%/index.shtml' THEN substr(p, 1, length(p) - 11)
    ELSE p END AS key
FROM bare
"""
_IDENTITY_012 = (
    "ALTER TABLE documents ADD COLUMN next_visit TEXT",
    "ALTER TABLE documents ADD COLUMN revisit_days REAL",
    "ALTER TABLE documents ADD COLUMN revisit_reason TEXT",
    "ALTER TABLE captures ADD COLUMN key TEXT",
    "CREATE INDEX url_keys_012_url ON url_keys_012(url)",
    "UPDATE captures SET key = (SELECT key FROM url_keys_012 k WHERE k.url = captures.url)",
    "CREATE INDEX captures_site_key ON captures(site, key, id)",
    "CREATE INDEX documents_next_visit ON documents(site, next_visit)",
    "CREATE INDEX version_rows_title ON version_rows(title)",
    """CREATE TABLE document_urls (
        document_id INTEGER NOT NULL REFERENCES documents(id),
        url TEXT NOT NULL,
        site TEXT NOT NULL REFERENCES sites(name),
        key TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (document_id, url)
    )""",
    "CREATE INDEX document_urls_key ON document_urls(site, key)",
    "CREATE INDEX document_urls_url ON document_urls(url)",
    """INSERT INTO document_urls(document_id, url, site, key, first_seen, last_seen)
        SELECT d.id, d.url, d.site, k.key, d.first_seen, d.last_seen
        FROM documents d JOIN url_keys_012 k ON k.url = d.url""",
    """CREATE TABLE site_aliases (
        site TEXT NOT NULL REFERENCES sites(name),
        alias TEXT NOT NULL,
        origin TEXT NOT NULL,
        status INTEGER NOT NULL,
        url TEXT NOT NULL,
        location TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (site, alias)
    )""",
)
# Documents of one site sharing a key are one document: the oldest keeps its id and takes the
# others' URLs, captures and versions (numbered again by creation time; none is dropped), and the
# attachments that pointed at them. It is current in whatever the latest version is.
_MERGE_012 = (
    """CREATE TEMP TABLE merged_012 AS
        SELECT u.document_id AS id, min(u.document_id) OVER (PARTITION BY u.site, u.key) AS survivor
        FROM document_urls u""",
    "DELETE FROM merged_012 WHERE survivor NOT IN (SELECT survivor FROM merged_012 WHERE id != survivor)",
    """INSERT INTO search_fts(search_fts, rowid, title, text)
        SELECT 'delete', r.id, r.title, r.text FROM documents d JOIN version_rows r ON r.id = d.current_version_id
        WHERE d.id IN (SELECT id FROM merged_012)""",
    "UPDATE documents SET current_version_id = NULL WHERE id IN (SELECT id FROM merged_012)",
    """CREATE TEMP TABLE renumbered_012 AS
        SELECT r.id, m.survivor, row_number() OVER (PARTITION BY m.survivor ORDER BY r.created_at, r.id) AS number
        FROM version_rows r JOIN merged_012 m ON m.id = r.document_id""",
    "UPDATE version_rows SET number = number + 1000000 WHERE id IN (SELECT id FROM renumbered_012)",
    """UPDATE version_rows SET
        document_id = (SELECT survivor FROM renumbered_012 n WHERE n.id = version_rows.id),
        number = (SELECT number FROM renumbered_012 n WHERE n.id = version_rows.id)
        WHERE id IN (SELECT id FROM renumbered_012)""",
    """UPDATE captures SET document_id = (SELECT survivor FROM merged_012 m WHERE m.id = captures.document_id)
        WHERE document_id IN (SELECT id FROM merged_012)""",
    """UPDATE document_urls SET document_id = (SELECT survivor FROM merged_012 m WHERE m.id = document_urls.document_id)
        WHERE document_id IN (SELECT id FROM merged_012)""",
    """UPDATE documents SET parent_id = (SELECT survivor FROM merged_012 m WHERE m.id = documents.parent_id)
        WHERE parent_id IN (SELECT id FROM merged_012)""",
    """UPDATE documents SET
        first_seen = (SELECT min(d.first_seen) FROM documents d JOIN merged_012 m ON m.id = d.id
                      WHERE m.survivor = documents.id),
        last_seen = (SELECT max(d.last_seen) FROM documents d JOIN merged_012 m ON m.id = d.id
                     WHERE m.survivor = documents.id),
        parent_id = coalesce(parent_id, (SELECT d.parent_id FROM documents d JOIN merged_012 m ON m.id = d.id
                                         WHERE m.survivor = documents.id AND d.parent_id != documents.id LIMIT 1)),
        current_version_id = (SELECT r.id FROM version_rows r WHERE r.document_id = documents.id
                              ORDER BY r.number DESC LIMIT 1),
        (status, removed_at) = (SELECT d.status, d.removed_at FROM documents d JOIN merged_012 m ON m.id = d.id
                                WHERE m.survivor = documents.id ORDER BY d.last_seen DESC, d.id DESC LIMIT 1)
        WHERE id IN (SELECT survivor FROM merged_012)""",
    "DELETE FROM documents WHERE id IN (SELECT id FROM merged_012 WHERE id != survivor)",
    """UPDATE documents SET url = (SELECT u.url FROM document_urls u WHERE u.document_id = documents.id
                                   ORDER BY u.last_seen DESC, u.url LIMIT 1)
        WHERE id IN (SELECT survivor FROM merged_012)""",
    """INSERT INTO search_fts(rowid, title, text)
        SELECT r.id, r.title, r.text FROM documents d JOIN version_rows r ON r.id = d.current_version_id
        WHERE d.id IN (SELECT survivor FROM merged_012)""",
)

_CLEANUP_012 = ("DROP TABLE temp.url_keys_012", "DROP TABLE temp.merged_012", "DROP TABLE temp.renumbered_012")


@MIGRATIONS(name="012_document_identity")
def _document_identity(db: Database) -> None:
    """Documents keyed by site and canonical path: their URLs, learned site aliases, revisit times; duplicates merged."""
    db.execute(_URL_KEYS_012)
    for statement in _IDENTITY_012:
        db.execute(statement)
    for statement in _MERGE_012:
        db.execute(statement)
    documents = db.execute("SELECT DISTINCT survivor FROM merged_012")
    for (document_id,) in documents.fetchall():
        text_deltas.rebase(db, document_id)
    for statement in _CLEANUP_012:
        db.execute(statement)
    db.execute("UPDATE schema_meta SET value = '12' WHERE key = 'schema_version'")


# Which rule set each metadata field (extraction's metadata_rules, a JSON object); the versions view
# gains the column.
_VERSIONS_VIEW_013 = """
CREATE VIEW versions AS SELECT r.id, r.document_id, r.number, r.created_at, r.sha256, r.content_digest, r.title,
    CASE WHEN r.text_delta IS NULL THEN r.text ELSE (
        SELECT group_concat(piece, '') FROM (
            SELECT CASE j.type WHEN 'text' THEN j.value
                   ELSE substr(b.text, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]')) END AS piece
            FROM version_rows b, json_each(r.text_delta) j
            WHERE b.id = r.text_base ORDER BY j.key)
    ) END AS text,
    r.index_no, r.topic, r.issuer, r.written_date, r.publish_date, r.doc_no, r.validity, r.keywords,
    r.site_name, r.site_id_code, r.report_year, r.report_year_rule, r.region, r.encoding, r.encoding_rule,
    r.content_type, r.tables, r.attachments, r.flags, r.stage, r.metadata_rules, r.extractor_version
FROM version_rows r
"""


@MIGRATIONS(name="013_metadata_rules")
def _metadata_rules(db: Database) -> None:
    """Add version_rows.metadata_rules (which rule set each metadata field) and show it in the versions view."""
    db.execute("ALTER TABLE version_rows ADD COLUMN metadata_rules TEXT NOT NULL DEFAULT '{}'")
    db.execute("DROP VIEW versions")  # the views over it read it by name and stay as they are
    db.execute(_VERSIONS_VIEW_013)
    db.execute("UPDATE schema_meta SET value = '13' WHERE key = 'schema_version'")


# How scanned pages were read by OCR (a JSON list, one record per page; '[]' when none was), on every
# version; the versions view lists its columns, so it is recreated with the new one.
_VERSIONS_VIEW_014 = """
CREATE VIEW versions AS SELECT r.id, r.document_id, r.number, r.created_at, r.sha256, r.content_digest, r.title,
    CASE WHEN r.text_delta IS NULL THEN r.text ELSE (
        SELECT group_concat(piece, '') FROM (
            SELECT CASE j.type WHEN 'text' THEN j.value
                   ELSE substr(b.text, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]')) END AS piece
            FROM version_rows b, json_each(r.text_delta) j
            WHERE b.id = r.text_base ORDER BY j.key)
    ) END AS text,
    r.index_no, r.topic, r.issuer, r.written_date, r.publish_date, r.doc_no, r.validity, r.keywords,
    r.site_name, r.site_id_code, r.report_year, r.report_year_rule, r.region, r.encoding, r.encoding_rule,
    r.content_type, r.tables, r.attachments, r.flags, r.stage, r.metadata_rules, r.ocr, r.extractor_version
FROM version_rows r
"""


@MIGRATIONS(name="014_ocr")
def _ocr(db: Database) -> None:
    """version_rows.ocr: how each scanned page of a version was read (engine, version, confidence)."""
    db.execute("ALTER TABLE version_rows ADD COLUMN ocr TEXT NOT NULL DEFAULT '[]'")
    db.execute("DROP VIEW versions")  # the views over it read it by name and stay as they are
    db.execute(_VERSIONS_VIEW_014)
    db.execute("UPDATE schema_meta SET value = '14' WHERE key = 'schema_version'")


# A capture recorded from a distributed crawl's stream carries the key of its fetch (the crawl and its
# request): a worker killed after pushing a capture, or a writer killed between its commit and its
# acknowledgement, delivers it again, and the archive recognises it instead of recording it twice.
@MIGRATIONS(name="015_capture_keys")
def _capture_keys(db: Database) -> None:
    """captures.capture_key, unique where set."""
    db.execute("ALTER TABLE captures ADD COLUMN capture_key TEXT")
    db.execute("CREATE UNIQUE INDEX captures_capture_key ON captures(capture_key) WHERE capture_key IS NOT NULL")
    db.execute("UPDATE schema_meta SET value = '15' WHERE key = 'schema_version'")


# The schema version is the number of migrations; each migration bumps schema_meta itself.
SCHEMA_VERSION = 15


def stored_schema_version(db: Database) -> int:
    """The schema version recorded in an archive (0 for a file never migrated)."""
    if not db["schema_meta"].exists():
        return 0
    row = db.execute("SELECT value FROM schema_meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0
