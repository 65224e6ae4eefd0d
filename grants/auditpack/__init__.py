"""The audit pack: every dataset, the audit events, the signed checkpoint with its cosignatures,
an optional consistency proof and the documents, in one zip anyone verifies offline
(`grants audit verify-pack`, `transparency.pack_verify`). Built by `grants export audit-pack`
or, for long packs, as a background job (`grants.auditpack.jobs`)."""
