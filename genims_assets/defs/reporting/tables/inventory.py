"""Reporting tables of the inventory area (being written)."""

from __future__ import annotations

from genims_assets.defs.reporting.spec import ReportingTable

TABLES: list[ReportingTable] = []
