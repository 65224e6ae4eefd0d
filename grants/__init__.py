"""CoFund: joint research grant management for co-funding agencies."""

__version__ = "0.1.0"
