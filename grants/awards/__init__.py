"""Funding decisions (each agency's key on its own side) and the grants they award."""
