-- Our indexes on genims_operational_db (hand-written; the catalog DDL has only primary and unique keys).
-- Each serves the reporting extracts or the source observations: time-window filters and joins.
CREATE INDEX IF NOT EXISTS idx_scada_machine_data_ts ON scada_machine_data ("timestamp", machine_id);
CREATE INDEX IF NOT EXISTS idx_sensor_data_ts ON sensor_data ("timestamp");
CREATE INDEX IF NOT EXISTS idx_sensor_health_ts ON sensor_health ("timestamp");
CREATE INDEX IF NOT EXISTS idx_machine_faults_start ON machine_faults (fault_start_time, machine_id);
