"""The money views: a call's envelope, commitments and payments per agency (and converted to a
reporting currency with recorded rates), and a grant's budget, schedule and payments."""
