"""Engines run the pure per-article map; the engine is a run-time switch, stages never know."""

from crosscheck.engines.local import LocalEngine

__all__ = ["LocalEngine"]
