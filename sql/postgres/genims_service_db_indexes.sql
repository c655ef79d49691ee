-- Our indexes on genims_service_db (hand-written; the catalog DDL has only primary and unique keys).
-- Each serves the reporting extracts or the source observations: time-window filters and joins.
CREATE INDEX IF NOT EXISTS idx_service_tickets_created ON service_tickets (created_at);
CREATE INDEX IF NOT EXISTS idx_service_tickets_resolved ON service_tickets (resolved_datetime);
CREATE INDEX IF NOT EXISTS idx_service_tickets_account ON service_tickets (account_id, created_at);
CREATE INDEX IF NOT EXISTS idx_ticket_escalations_escalated ON ticket_escalations (escalated_at);
CREATE INDEX IF NOT EXISTS idx_rma_requests_created ON rma_requests (created_at);
CREATE INDEX IF NOT EXISTS idx_rma_line_items_rma ON rma_line_items (rma_id);
CREATE INDEX IF NOT EXISTS idx_warranty_claims_date ON warranty_claims (claim_date);
CREATE INDEX IF NOT EXISTS idx_survey_responses_responded ON survey_responses (responded_at);
-- Customer service summary: tickets closed and first answered per day.
CREATE INDEX IF NOT EXISTS idx_service_tickets_closed ON service_tickets (closed_datetime);
CREATE INDEX IF NOT EXISTS idx_service_tickets_first_response ON service_tickets (first_response_datetime);
