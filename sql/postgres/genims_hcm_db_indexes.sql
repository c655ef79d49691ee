-- Our indexes on genims_hcm_db (hand-written; the catalog DDL has only primary and unique keys).
-- Each serves the reporting extracts or the source observations: time-window filters and joins.
CREATE INDEX IF NOT EXISTS idx_attendance_records_date ON attendance_records (attendance_date);
CREATE INDEX IF NOT EXISTS idx_safety_incidents_date ON safety_incidents (incident_date);
CREATE INDEX IF NOT EXISTS idx_safety_incidents_factory ON safety_incidents (factory_id, incident_date);
CREATE INDEX IF NOT EXISTS idx_training_enrollments_attendance ON training_enrollments (attendance_date);
CREATE INDEX IF NOT EXISTS idx_training_enrollments_schedule ON training_enrollments (schedule_id);
CREATE INDEX IF NOT EXISTS idx_employees_factory ON employees (primary_factory_id);
