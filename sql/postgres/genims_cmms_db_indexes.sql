-- Our indexes on genims_cmms_db (hand-written; the catalog DDL has only primary and unique keys).
-- Each serves the reporting extracts or the source observations: time-window filters and joins.
CREATE INDEX IF NOT EXISTS idx_work_orders_created ON work_orders (created_at);
CREATE INDEX IF NOT EXISTS idx_work_orders_completed ON work_orders (completed_at);
CREATE INDEX IF NOT EXISTS idx_work_orders_asset ON work_orders (asset_id, scheduled_start_date);
CREATE INDEX IF NOT EXISTS idx_pm_schedules_next_due ON pm_schedules (next_due_date);
CREATE INDEX IF NOT EXISTS idx_maintenance_history_event ON maintenance_history (event_date);
CREATE INDEX IF NOT EXISTS idx_maintenance_history_asset ON maintenance_history (asset_id, event_date);
CREATE INDEX IF NOT EXISTS idx_maintenance_costs_date ON maintenance_costs (cost_date);
CREATE INDEX IF NOT EXISTS idx_maintenance_costs_work_order ON maintenance_costs (work_order_id);
CREATE INDEX IF NOT EXISTS idx_maintenance_assets_machine ON maintenance_assets (machine_id);
