"""Dev-only tools (report generator and its PDF/DOCX writers); not installed with the runtime package."""
