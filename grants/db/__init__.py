"""Database models, engine set-up and the session helpers of CoFund."""
