"""Reporting tables of the sales area (being written)."""

from __future__ import annotations

from genims_assets.defs.reporting.spec import ReportingTable

TABLES: list[ReportingTable] = []
