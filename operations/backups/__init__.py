"""Backups of the site (the database and every stored file, with a manifest that says
what they hold), their restore into an empty database and storage, and the restore
drill that proves a backup can be restored. docs/deployment.md says when to run which."""
