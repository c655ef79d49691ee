"""The 35 reporting tables, by area (operations, sales, finance, inventory)."""

from __future__ import annotations

from genims_assets.defs.reporting.spec import ReportingTable
from genims_assets.defs.reporting.tables import finance, inventory, inventory_planning, operations, sales

REPORTING_TABLES: tuple[ReportingTable, ...] = (
    *operations.TABLES,
    *sales.TABLES,
    *finance.TABLES,
    *inventory.TABLES,
    *inventory_planning.TABLES,
)
