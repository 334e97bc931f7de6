"""The store: migrations, SQLite settings, several processes on one file."""
