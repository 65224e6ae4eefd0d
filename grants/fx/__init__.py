"""Recorded exchange rates: entered by officers or imported from CSV, read by everyone signed
in, used by the money views to show converted figures (never to change stored amounts)."""
