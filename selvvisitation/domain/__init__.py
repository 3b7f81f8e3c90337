"""Domain rules of flexible home help: plain Python, no Flask imports.

Views and commands call these modules; they take plain values (or a database
session where they must query) and return plain results that the UI explains.
"""
