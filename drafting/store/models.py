"""Tables of the store: users with their API tokens and browser sessions, documents (works) and their append-only
versions, and the append-only audit log.

Every timestamp is timezone-aware UTC in Python, whatever the database keeps (SQLite has no time zones).
Migrations 0001_initial, 0002_audit_and_access and 0003_sessions_and_revocation create exactly these tables; a test
compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from drafting.roles import ROLES

# ids and version numbers are stored as PostgreSQL `integer`: a larger one names nothing (and must not reach SQL)
MAX_ID = 2**31 - 1
# shared: every signed-in user reads it, drafters write it; private: only its owner (created_by) and admins
VISIBILITIES = ("shared", "private")

# Stable constraint names, so that migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes as UTC and hand them back aware, also on SQLite, which drops the offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"expected a timezone-aware datetime, found naive {value.isoformat()}")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN ({', '.join(repr(role) for role in ROLES)})", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A disabled account cannot sign in, its sessions are ended and its tokens are refused until it is enabled again.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    sessions: Mapped[list[BrowserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"User(name={self.name!r}, role={self.role!r})"


class ApiToken(Base):
    """An API token; only the SHA-256 of the secret is kept, so a leaked table reveals no usable token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A revoked token is kept (its use shows in the audit log) and refused from then on.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    def __repr__(self) -> str:
        return f"ApiToken(id={self.id!r}, label={self.label!r})"


class BrowserSession(Base):
    """A browser sign-in. The signed cookie carries a random key whose SHA-256 is kept here, so that the server can
    end a session (sign-out, password or role change, disabled account) whatever copies of the cookie exist."""

    __tablename__ = "browser_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # why it ended: signed-out, password-changed, role-changed, disabled, ended-by-admin
    ended_reason: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User] = relationship(back_populates="sessions")

    def __repr__(self) -> str:
        return f"BrowserSession(id={self.id!r}, user_id={self.user_id!r}, ended_reason={self.ended_reason!r})"


class Document(Base):
    """A work: one legal instrument, named by its FRBR work URI, with versions 1..latest_version."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("latest_version >= 1", name="latest_version_positive"),
        CheckConstraint("visibility IN ('shared', 'private')", name="visibility"),
        Index("ix_documents_jurisdiction_doc_type", "jurisdiction", "doc_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    frbr_work_uri: Mapped[str] = mapped_column(String(512), index=True)
    # The work URI again when it names one work: an AKN FRBR URI or an absolute URI (an ELI, or the ni: URI derived
    # from the text of a document that gives no identity); documents from other systems may carry placeholders such
    # as "#varWorkUri" that many share, and for them this is NULL (NULLs never collide).
    work_key: Mapped[str | None] = mapped_column(String(512), unique=True)
    doc_type: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(64))
    jurisdiction: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    number: Mapped[str | None] = mapped_column(String(200))
    date: Mapped[str | None] = mapped_column(String(32))
    latest_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(80))
    visibility: Mapped[str] = mapped_column(String(16), default="shared", server_default="shared")
    # A deleted work is kept with its versions (and its audit trail) but is gone for every reader.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(80))

    versions: Mapped[list[Version]] = relationship(
        back_populates="document",
        order_by="Version.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"Document(id={self.id!r}, frbr_work_uri={self.frbr_work_uri!r}, latest_version={self.latest_version!r})"


class Version(Base):
    """One saved state (expression) of a work; rows are appended, never rewritten."""

    __tablename__ = "versions"
    __table_args__ = (
        # The final guard against lost updates: two saves on the same base cannot both become number n+1.
        UniqueConstraint("document_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    parent_number: Mapped[int | None] = mapped_column(Integer)
    # Deferred: listing the history of a work should not read every version's XML.
    xml: Mapped[str] = mapped_column(Text, deferred=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    frbr_expression_uri: Mapped[str | None] = mapped_column(String(512))
    author: Mapped[str | None] = mapped_column(String(80))
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    valid: Mapped[bool] = mapped_column()
    validation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    document: Mapped[Document] = relationship(back_populates="versions")

    def __repr__(self) -> str:
        return f"Version(document_id={self.document_id!r}, number={self.number!r})"


class AuditEvent(Base):
    """Who did what to which document or account, and when; rows are appended, never changed or removed.

    Written in the transaction of the change it records. The migration adds database triggers that refuse UPDATE
    and DELETE, so that not even a bug in this code can rewrite the log.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str | None] = mapped_column(String(80), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    # No foreign key: the log outlives what it names.
    document_id: Mapped[int | None] = mapped_column(Integer, index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"AuditEvent(id={self.id!r}, action={self.action!r}, actor={self.actor!r})"
