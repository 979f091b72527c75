"""The models of the quality app, one module each (the lead merges the alerts' line)."""

from quality.models.imports import ImportOrigin, ImportStatus, InspectionImport

__all__ = ["ImportOrigin", "ImportStatus", "InspectionImport"]
