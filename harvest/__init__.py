"""Harvester: collect annual reports from government sites (polite, resumable, content-addressed)."""
