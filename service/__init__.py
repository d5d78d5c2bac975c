"""Application layer no front end owns (answers, ingest, harvest wiring)."""
