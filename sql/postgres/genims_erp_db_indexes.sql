-- Our indexes on genims_erp_db (hand-written; the catalog DDL has only primary and unique keys).
-- Each serves the reporting extracts or the source observations: time-window filters and joins.
CREATE INDEX IF NOT EXISTS idx_sales_orders_date ON sales_orders (order_date);
CREATE INDEX IF NOT EXISTS idx_sales_orders_customer ON sales_orders (customer_id, order_date);
CREATE INDEX IF NOT EXISTS idx_sales_order_lines_order ON sales_order_lines (sales_order_id);
CREATE INDEX IF NOT EXISTS idx_sales_order_lines_product ON sales_order_lines (product_id);
CREATE INDEX IF NOT EXISTS idx_general_ledger_posting ON general_ledger (posting_date);
CREATE INDEX IF NOT EXISTS idx_general_ledger_account ON general_ledger (gl_account, posting_date);
CREATE INDEX IF NOT EXISTS idx_general_ledger_assignment ON general_ledger (assignment);
CREATE INDEX IF NOT EXISTS idx_general_ledger_clearing ON general_ledger (clearing_date);
CREATE INDEX IF NOT EXISTS idx_journal_entry_headers_posting ON journal_entry_headers (posting_date);
CREATE INDEX IF NOT EXISTS idx_journal_entry_lines_entry ON journal_entry_lines (journal_entry_id);
CREATE INDEX IF NOT EXISTS idx_account_balances_period ON account_balances (fiscal_year, fiscal_period);
CREATE INDEX IF NOT EXISTS idx_budget_lines_budget ON budget_lines (budget_id);
CREATE INDEX IF NOT EXISTS idx_production_orders_finish ON production_orders (actual_finish_date);
CREATE INDEX IF NOT EXISTS idx_production_orders_start ON production_orders (basic_start_date);
CREATE INDEX IF NOT EXISTS idx_production_orders_work_order ON production_orders (work_order_id);
CREATE INDEX IF NOT EXISTS idx_inventory_transactions_posting ON inventory_transactions (posting_date);
CREATE INDEX IF NOT EXISTS idx_inventory_transactions_material ON inventory_transactions (material_id, plant_id, posting_date);
CREATE INDEX IF NOT EXISTS idx_inventory_balances_material ON inventory_balances (material_id, plant_id);
CREATE INDEX IF NOT EXISTS idx_inventory_balances_updated ON inventory_balances (updated_at);
CREATE INDEX IF NOT EXISTS idx_purchase_orders_date ON purchase_orders (po_date);
CREATE INDEX IF NOT EXISTS idx_purchase_orders_supplier ON purchase_orders (supplier_id, po_date);
CREATE INDEX IF NOT EXISTS idx_purchase_order_lines_order ON purchase_order_lines (purchase_order_id);
CREATE INDEX IF NOT EXISTS idx_goods_receipts_date ON goods_receipts (gr_date);
CREATE INDEX IF NOT EXISTS idx_goods_receipts_po_line ON goods_receipts (po_line_id);
-- Finance reporting: the department of budget-only cost centres; open-item aging without scanning cleared items.
CREATE INDEX IF NOT EXISTS idx_journal_entry_lines_cost_center ON journal_entry_lines (cost_center_id);
CREATE INDEX IF NOT EXISTS idx_general_ledger_account_clearing ON general_ledger (gl_account, clearing_date);
CREATE INDEX IF NOT EXISTS idx_general_ledger_open_items ON general_ledger (gl_account, posting_date) WHERE NOT cleared;
