"""Use cases: the only code that opens a database session.

Each write is one transaction and leaves an audit event. Screens and the command line call
these functions and never touch the store themselves.
"""
