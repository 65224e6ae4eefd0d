"""documents feature: schemas, services and HTTP controllers (mounted by grants/routes.py)."""
