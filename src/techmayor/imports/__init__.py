"""Imports of every record kind from the ledgers cities keep in Excel (docs/decisions/0018-record-imports.md)."""
