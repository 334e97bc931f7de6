"""Use cases on real SQLite files: validation, transactions, audit trail."""
