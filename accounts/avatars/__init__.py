"""Avatars: images (validation, re-encoding, names, URLs), services (rules), views (profile
forms) and api (REST endpoints)."""
