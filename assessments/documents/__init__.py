"""The documents of a submission: its frozen snapshot, the country report rendered from
it (and its charts), and the public verification of a PDF. They change together: a
field the snapshot freezes is one the report prints and the verification page reads."""
