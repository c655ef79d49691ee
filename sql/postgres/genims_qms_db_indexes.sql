-- Our indexes on genims_qms_db (hand-written; the catalog DDL has only primary and unique keys).
-- Each serves the reporting extracts or the source observations: time-window filters and joins.
CREATE INDEX IF NOT EXISTS idx_ncr_headers_detected ON ncr_headers (detected_date);
CREATE INDEX IF NOT EXISTS idx_supplier_quality_metrics_period ON supplier_quality_metrics (metric_period);
