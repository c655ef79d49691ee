-- Our indexes on genims_supplier_db (hand-written; the catalog DDL has only primary and unique keys).
-- Each serves the reporting extracts or the source observations: time-window filters and joins.
CREATE INDEX IF NOT EXISTS idx_supplier_invoices_date ON supplier_invoices (invoice_date);
CREATE INDEX IF NOT EXISTS idx_supplier_invoices_supplier ON supplier_invoices (supplier_id, invoice_date);
CREATE INDEX IF NOT EXISTS idx_supplier_invoices_paid ON supplier_invoices (paid_date);
CREATE INDEX IF NOT EXISTS idx_supplier_invoice_lines_invoice ON supplier_invoice_lines (invoice_id);
CREATE INDEX IF NOT EXISTS idx_three_way_match_log_time ON three_way_match_log (match_timestamp);
CREATE INDEX IF NOT EXISTS idx_three_way_match_log_invoice ON three_way_match_log (invoice_id);
CREATE INDEX IF NOT EXISTS idx_supplier_performance_metrics_period ON supplier_performance_metrics (metric_period);
CREATE INDEX IF NOT EXISTS idx_supplier_scorecards_period ON supplier_scorecards (scorecard_period);
-- Payables aging: the latest match per invoice, and open invoices by date.
CREATE INDEX IF NOT EXISTS idx_three_way_match_log_invoice_time ON three_way_match_log (invoice_id, match_timestamp);
CREATE INDEX IF NOT EXISTS idx_supplier_invoices_open ON supplier_invoices (invoice_date) WHERE paid_date IS NULL;
