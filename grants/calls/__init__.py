"""calls feature: schemas, services, the call binding and HTTP controllers (mounted by
grants/routes.py)."""
