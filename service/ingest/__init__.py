"""The ingest use case (issue 12): discovery, stable reads, parsing in limited workers, storing, summary.

storage.ingest keeps the persistence (a parsed report, its versions); this package is everything around
it that the CLI, the sample loader and the bot's admin uploads share.
"""

from service.ingest.pipeline import Limits, Retry, ingest_bytes, ingest_paths
from service.ingest.summary import IngestSummary
from storage.ingest import IngestResult, store_parsed

__all__ = ["IngestResult", "IngestSummary", "Limits", "Retry", "ingest_bytes", "ingest_paths", "store_parsed"]
