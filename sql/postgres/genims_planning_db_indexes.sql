-- Our indexes on genims_planning_db (hand-written; the catalog DDL has only primary and unique keys).
-- Each serves the reporting extracts or the source observations: time-window filters and joins.
CREATE INDEX IF NOT EXISTS idx_mrp_runs_date ON mrp_runs (planning_date, plant_id);
CREATE INDEX IF NOT EXISTS idx_mrp_elements_run ON mrp_elements (mrp_run_id);
CREATE INDEX IF NOT EXISTS idx_mrp_elements_material ON mrp_elements (material_id, plant_id, element_date);
