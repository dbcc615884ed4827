"""The ledger store: a small interface, SQLite first (PostgreSQL slots in behind the same calls)."""

from crosscheck.store.base import Store
from crosscheck.store.sqlite import SQLiteStore, open_store

__all__ = ["SQLiteStore", "Store", "open_store"]
