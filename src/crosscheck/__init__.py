"""crosscheck: reads news articles and builds a sourced ledger of who claimed what.

The public API is small and guarded by a test: clean, annotate, store, export, report.
"""

from crosscheck.annotate import annotate
from crosscheck.clean import clean
from crosscheck.errors import CrosscheckError, ExportError, InputRejected, StoreError
from crosscheck.model import (
    Annotations,
    Article,
    Claim,
    ClaimGroup,
    Entity,
    EntityMention,
    Quantity,
    RawDoc,
    Relation,
    Story,
    TimeExpr,
)
from crosscheck.pipeline import RunSummary, analyze
from crosscheck.store import SQLiteStore, Store, open_store

__version__ = "0.1.0"

__all__ = [
    "Annotations",
    "Article",
    "Claim",
    "ClaimGroup",
    "CrosscheckError",
    "Entity",
    "EntityMention",
    "ExportError",
    "InputRejected",
    "Quantity",
    "RawDoc",
    "Relation",
    "RunSummary",
    "SQLiteStore",
    "Store",
    "StoreError",
    "Story",
    "TimeExpr",
    "__version__",
    "analyze",
    "annotate",
    "clean",
    "open_store",
]
