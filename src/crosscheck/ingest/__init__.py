"""Sources of raw documents: files, directories, JSONL and stdin (later: feeds, WARC)."""

from crosscheck.ingest.files import Rejected, read_inputs

__all__ = ["Rejected", "read_inputs"]
