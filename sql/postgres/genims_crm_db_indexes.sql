-- Our indexes on genims_crm_db (hand-written; the catalog DDL has only primary and unique keys).
-- Each serves the reporting extracts or the source observations: time-window filters and joins.
CREATE INDEX IF NOT EXISTS idx_opportunities_created ON opportunities (created_at);
CREATE INDEX IF NOT EXISTS idx_opportunities_closed ON opportunities (closed_at);
CREATE INDEX IF NOT EXISTS idx_opportunities_owner ON opportunities (opportunity_owner);
CREATE INDEX IF NOT EXISTS idx_opportunity_stage_history_changed ON opportunity_stage_history (changed_at);
CREATE INDEX IF NOT EXISTS idx_opportunity_stage_history_opportunity ON opportunity_stage_history (opportunity_id, changed_at);
CREATE INDEX IF NOT EXISTS idx_quotations_date ON quotations (quotation_date);
CREATE INDEX IF NOT EXISTS idx_sales_forecasts_period ON sales_forecasts (forecast_year, forecast_month);
CREATE INDEX IF NOT EXISTS idx_accounts_customer ON accounts (customer_id);
