"""proposals feature: schemas, services, the proposal binding and HTTP controllers (mounted
by grants/routes.py)."""
