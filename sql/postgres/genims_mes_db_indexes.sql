-- Our indexes on genims_mes_db (hand-written; the catalog DDL has only primary and unique keys).
-- Each serves the reporting extracts or the source observations: time-window filters and joins.
CREATE INDEX IF NOT EXISTS idx_work_orders_actual_start ON work_orders (actual_start_time);
CREATE INDEX IF NOT EXISTS idx_work_orders_actual_end ON work_orders (actual_end_time);
CREATE INDEX IF NOT EXISTS idx_work_order_operations_actual_start ON work_order_operations (actual_start_time);
CREATE INDEX IF NOT EXISTS idx_work_order_operations_work_order ON work_order_operations (work_order_id);
CREATE INDEX IF NOT EXISTS idx_labor_transactions_date ON labor_transactions (transaction_date);
CREATE INDEX IF NOT EXISTS idx_changeover_events_start ON changeover_events (changeover_start);
CREATE INDEX IF NOT EXISTS idx_downtime_events_start ON downtime_events (downtime_start, machine_id);
CREATE INDEX IF NOT EXISTS idx_quality_inspections_date ON quality_inspections (inspection_date);
CREATE INDEX IF NOT EXISTS idx_defects_detected ON defects (detected_date);
