"""Operations that combine the domain rules with the database.

Each takes the SQLAlchemy session as its first argument and never commits:
the caller (a view or a command) owns the transaction, so every change is one
transaction. No Flask imports here either.
"""
