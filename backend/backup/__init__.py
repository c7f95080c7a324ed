"""Backups: the database (pg_dump / SQLite online backup), the photo store and a manifest that
says what both hold, so a restore can prove it found every record and every photo."""
