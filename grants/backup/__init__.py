"""`grants backup` and `grants restore`: the database and the documents' manifest in one file.

A backup is an uncompressed tar of three members: `backup.json` (what was backed up, the
database file's SHA-256, the audit log's state), `manifest.json` (every stored object a row
points to: table, id, storage key, size, SHA-256) and the database itself — `database.sqlite3`
made with SQLite's online-backup API, or `database.dump` in pg_dump's custom format, taken in
the same snapshot as the manifest. The objects themselves stay in the document store (back that
up by its own means: S3 versioning or replication, a copy of `STORAGE_DIR`); a restore checks
each one against the manifest.
"""

from grants.backup.service import (
    BackupError,
    BackupSummary,
    RestoreReport,
    create_backup,
    restore_backup,
)

__all__ = ["BackupError", "BackupSummary", "RestoreReport", "create_backup", "restore_backup"]
