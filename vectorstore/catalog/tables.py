"""The catalog's tables: the one place that defines them (SQLAlchemy 2 Core).

Alembic revisions in ``migrations/versions/`` create and change them; a test checks that a
catalog migrated to head matches these definitions exactly. Later issues add their tables
here and a revision beside them.

* ``collections``: one row per collection of articles (its embedding model and chunking).
* ``articles``: one row per canonical article: metadata, content hash (unique per
  collection: two writers storing the same text store it once), SimHash, copies, origin and
  the full text. ``indexed`` is true once the article's vectors are written. ``page_starts``
  (revision 0003): where each page of a PDF begins in the text (``[]`` without pages).
* ``journal``: one row per article written or removed, numbered by ``seq`` (AUTOINCREMENT on
  SQLite, an identity sequence on PostgreSQL), written in the same transaction as the
  article rows, so that every process can follow what changed.
* ``meta``: key/value records (the schema record: embedding model, dimension, backend).
* ``feeds`` (revision 0002): the feeds each collection follows, with their fetch state
  (ETag / Last-Modified, last fetch, status, counts, next fetch) and retention (``keep_days``).
* ``feed_items``: each feed item already taken in, and the article it gave (never fetched again).
* ``leases``: who holds a lease (the feed watcher's: one at a time across processes), until when.
* ``uploads`` (revision 0004): each uploaded file's record: the article it became
  (``upload:<hash8>/<name>``), its original name, content hash, size and uploader.
* ``users``: the people who may sign in (name, scrypt password hash; never the password).
* ``conversations``: saved chats: id, owner (a user name, ``session:<id>`` for a browser
  session without login, ``""`` for the Python API), collection, title, times.
* ``turns``: each turn of a conversation, numbered from 0: the question as typed, the
  standalone question it was understood as, and the answer (``Answer.to_dict()``).
* ``login_attempts``: failed sign-ins per key (``ui:<address>``, ``api:<address>``), shared by
  every replica so that throttling holds across them.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

#: A 64-bit integer key that is SQLite's rowid there (what AUTOINCREMENT needs).
SEQ_TYPE = BigInteger().with_variant(Integer(), "sqlite")

collections = Table(
    "collections", metadata,
    Column("name", String(200), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("embed_model", String(500), nullable=False, default=""),
    Column("dim", Integer, nullable=False, default=0),
    Column("chunking", JSON, nullable=False, default=dict),
)

articles = Table(
    "articles", metadata,
    Column("collection", String(200), ForeignKey("collections.name"), primary_key=True),
    Column("id", String(2000), primary_key=True),
    Column("title", Text, nullable=False, default=""),
    Column("url", Text, nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),
    Column("published", Date, nullable=True),
    Column("content_hash", String(128), nullable=False),
    Column("simhash", BigInteger, nullable=False, default=0),  # signed: see rows.signed64
    Column("copies", JSON, nullable=False, default=list),
    Column("origin_kind", String(20), nullable=False, default=""),
    Column("origin", Text, nullable=False, default=""),
    Column("pages", Integer, nullable=True),
    Column("page_starts", JSON, nullable=False, default=list),  # revision 0003
    Column("n_chunks", Integer, nullable=False, default=0),
    Column("indexed", Boolean, nullable=False, default=False),
    Column("text", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("collection", "content_hash"),
)

journal = Table(
    "journal", metadata,
    Column("seq", SEQ_TYPE, Identity(), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("collection", String(200), nullable=False),
    Column("article_id", String(2000), nullable=False),
    Column("pid", Integer, nullable=False, default=0),
    Column("host", String(255), nullable=False, default=""),
    Column("process", String(100), nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
    Index(None, "collection", "article_id"),
    sqlite_autoincrement=True,
)

meta = Table(
    "meta", metadata,
    Column("key", String(100), primary_key=True),
    Column("value", JSON, nullable=False),
)

feeds = Table(
    "feeds", metadata,
    Column("collection", String(200), primary_key=True, default="default"),
    Column("url", String(2000), primary_key=True),
    Column("title", Text, nullable=False, default=""),
    Column("every_s", Integer, nullable=False),
    Column("keep_days", Integer, nullable=True),
    Column("etag", Text, nullable=False, default=""),
    Column("last_modified", Text, nullable=False, default=""),
    Column("last_fetch", DateTime(timezone=True), nullable=True),
    Column("status", String(20), nullable=False, default="new"),
    Column("reason", Text, nullable=False, default=""),
    Column("items_seen", Integer, nullable=False, default=0),
    Column("articles_added", Integer, nullable=False, default=0),
    Column("next_fetch", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

feed_items = Table(
    "feed_items", metadata,
    Column("collection", String(200), primary_key=True, default="default"),
    Column("feed_url", String(2000), primary_key=True),
    Column("item_id", String(2000), primary_key=True),
    Column("article_id", String(2000), nullable=False, default=""),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Index(None, "collection", "article_id"),
)

leases = Table(
    "leases", metadata,
    Column("name", String(100), primary_key=True),
    Column("holder", String(300), nullable=False),
    Column("expires", DateTime(timezone=True), nullable=False),
)

uploads = Table(
    "uploads", metadata,
    Column("collection", String(200), primary_key=True, default="default"),
    Column("article_id", String(2000), primary_key=True),
    Column("name", Text, nullable=False),
    Column("content_hash", String(128), nullable=False),
    Column("size", BigInteger, nullable=False, default=0),
    Column("uploaded_by", String(200), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

users = Table(
    "users", metadata,
    Column("name", String(200), primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

conversations = Table(
    "conversations", metadata,
    Column("id", String(64), primary_key=True),
    Column("owner", String(300), nullable=False, default=""),
    Column("collection", String(200), nullable=False, default="default"),
    Column("title", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index(None, "owner", "updated_at"),
)

turns = Table(
    "turns", metadata,
    Column("conversation_id", String(64), ForeignKey("conversations.id"), primary_key=True),
    Column("n", Integer, primary_key=True),
    Column("question", Text, nullable=False),
    Column("asked", Text, nullable=False, default=""),
    Column("answer", JSON, nullable=False, default=dict),
    Column("at", DateTime(timezone=True), nullable=False),
)

login_attempts = Table(
    "login_attempts", metadata,
    Column("key", String(300), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("first_failure", DateTime(timezone=True), nullable=True),
    Column("last_failure", DateTime(timezone=True), nullable=True),
    Column("blocked_until", DateTime(timezone=True), nullable=True),
)
