"""PURE. The roles an account can have, from the least to the most it may do: viewer (read, validate, export),
drafter (+ create and edit), admin (+ manage accounts and read the audit log). No dependencies, so that the command
line can offer them without loading the store."""

ROLES = ("viewer", "drafter", "admin")
