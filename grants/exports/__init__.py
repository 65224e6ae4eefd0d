"""The auditors' dataset exports: every record as CSV, XLSX or JSON Lines, streamed.

`datasets` declares each dataset (columns and a select), `filters` reads and resolves the
filters, `stream` turns a dataset into bytes, `services` records the export in the audit log,
`controllers` serves `/api/exports`. Importing this package imports nothing.
"""
