-- Our indexes on genims_master_db (hand-written; the catalog DDL has only primary and unique keys).
-- Each serves the reporting extracts or the source observations: time-window filters and joins.
CREATE INDEX IF NOT EXISTS idx_machines_line ON machines (line_id);
CREATE INDEX IF NOT EXISTS idx_sensors_machine ON sensors (machine_id);
CREATE INDEX IF NOT EXISTS idx_employees_factory ON employees (factory_id);
