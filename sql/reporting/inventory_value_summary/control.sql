-- Control total of inventory_value_summary.quantity_on_hand: ERP stock now (unrestricted + quality inspection +
-- blocked), each balance rounded as the table stores it.
SELECT SUM(ROUND(COALESCE(unrestricted_stock, 0) + COALESCE(quality_inspection_stock, 0)
                 + COALESCE(blocked_stock, 0), 3)) AS quantity_on_hand
FROM inventory_balances
