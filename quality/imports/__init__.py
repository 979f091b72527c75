"""Importing Ofsted's published inspections files (docs/ratings.md, "Ofsted's files")."""
