"""Passwords, keys and the database key's wrapping: what sign-in and encryption share."""
