"""Two keys, built once: each co-funding agency's answer on a shared subject."""
