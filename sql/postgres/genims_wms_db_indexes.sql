-- Our indexes on genims_wms_db (hand-written; the catalog DDL has only primary and unique keys).
-- Each serves the reporting extracts or the source observations: time-window filters and joins.
CREATE INDEX IF NOT EXISTS idx_warehouse_inventory_material ON warehouse_inventory (warehouse_id, material_id);
CREATE INDEX IF NOT EXISTS idx_warehouse_inventory_updated ON warehouse_inventory (updated_at);
CREATE INDEX IF NOT EXISTS idx_warehouse_movements_time ON warehouse_movements (movement_timestamp);
CREATE INDEX IF NOT EXISTS idx_warehouse_movements_material ON warehouse_movements (material_id, warehouse_id);
CREATE INDEX IF NOT EXISTS idx_picking_tasks_completed ON picking_tasks (completed_at);
CREATE INDEX IF NOT EXISTS idx_packing_tasks_completed ON packing_tasks (completed_at);
CREATE INDEX IF NOT EXISTS idx_shipping_tasks_completed ON shipping_tasks (completed_at);
CREATE INDEX IF NOT EXISTS idx_receiving_tasks_completed ON receiving_tasks (completed_at);
CREATE INDEX IF NOT EXISTS idx_putaway_tasks_completed ON putaway_tasks (completed_at);
CREATE INDEX IF NOT EXISTS idx_inventory_reconciliation_headers_date ON inventory_reconciliation_headers (reconciliation_date);
CREATE INDEX IF NOT EXISTS idx_inventory_reconciliation_lines_rec ON inventory_reconciliation_lines (reconciliation_id);
CREATE INDEX IF NOT EXISTS idx_inventory_sync_errors_time ON inventory_sync_errors (error_timestamp);
CREATE INDEX IF NOT EXISTS idx_inventory_sync_errors_status ON inventory_sync_errors (error_status);
-- Reconciliation summary: sync errors still open on a day.
CREATE INDEX IF NOT EXISTS idx_inventory_sync_errors_resolved ON inventory_sync_errors (resolved_at);
