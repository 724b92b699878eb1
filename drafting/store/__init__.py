"""Persistence: the Database handle, the models and the repository functions that read and write them."""

from drafting.store.db import Database

__all__ = ["Database"]
