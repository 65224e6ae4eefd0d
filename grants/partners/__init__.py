"""Enterprise partners on a proposal's part: identifiers, commitments, matching funds."""
