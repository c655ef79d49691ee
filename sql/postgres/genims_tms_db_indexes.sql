-- Our indexes on genims_tms_db (hand-written; the catalog DDL has only primary and unique keys).
-- Each serves the reporting extracts or the source observations: time-window filters and joins.
CREATE INDEX IF NOT EXISTS idx_shipments_ship_date ON shipments (ship_date);
CREATE INDEX IF NOT EXISTS idx_shipments_carrier ON shipments (carrier_id, ship_date);
CREATE INDEX IF NOT EXISTS idx_shipments_sales_order ON shipments (sales_order_id);
CREATE INDEX IF NOT EXISTS idx_deliveries_actual ON deliveries (actual_delivery_date);
CREATE INDEX IF NOT EXISTS idx_deliveries_scheduled ON deliveries (scheduled_delivery_date);
CREATE INDEX IF NOT EXISTS idx_deliveries_shipment ON deliveries (shipment_id);
CREATE INDEX IF NOT EXISTS idx_proof_of_delivery_time ON proof_of_delivery (delivery_timestamp);
CREATE INDEX IF NOT EXISTS idx_freight_invoices_date ON freight_invoices (invoice_date);
CREATE INDEX IF NOT EXISTS idx_freight_invoice_lines_invoice ON freight_invoice_lines (invoice_id);
CREATE INDEX IF NOT EXISTS idx_freight_invoice_lines_shipment ON freight_invoice_lines (shipment_id);
CREATE INDEX IF NOT EXISTS idx_return_orders_created ON return_orders (created_at);
-- Sales reporting: proof of delivery per delivery, shipments by delivery date, return lines per return.
CREATE INDEX IF NOT EXISTS idx_proof_of_delivery_delivery ON proof_of_delivery (delivery_id);
CREATE INDEX IF NOT EXISTS idx_shipments_actual_delivery ON shipments (actual_delivery_date);
CREATE INDEX IF NOT EXISTS idx_return_order_lines_return_order ON return_order_lines (return_order_id);
