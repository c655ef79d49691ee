-- inventory_value_summary, genims_erp_db part: stock now per plant, storage location (the WMS warehouse) and
-- material, from erp.inventory_balances with the material master's class, costs and stock levels.
--   quantity_on_hand    = unrestricted + quality inspection + blocked stock
--   inventory_value     = quantity_on_hand x moving average price (balance, else material master)
--   standard_cost_value = quantity_on_hand x materials.standard_cost
--   issues              = movement types 122, 261 and 601 (out to the vendor, production, customers), not cancelled:
--                         quantity of the 90 days and amount of the 365 days ending the as-of day.
WITH stock AS (
    SELECT b.plant_id, COALESCE(b.storage_location, 'UNASSIGNED') AS warehouse_id, b.material_id,
           SUM(COALESCE(b.unrestricted_stock, 0) + COALESCE(b.quality_inspection_stock, 0)
               + COALESCE(b.blocked_stock, 0)) AS quantity_on_hand,
           SUM(COALESCE(b.blocked_stock, 0)) AS blocked_quantity,
           SUM((COALESCE(b.unrestricted_stock, 0) + COALESCE(b.quality_inspection_stock, 0)
                + COALESCE(b.blocked_stock, 0)) * COALESCE(b.moving_average_price, m.moving_average_cost))
               AS inventory_value,
           MAX(COALESCE(b.moving_average_price, m.moving_average_cost)) AS price
    FROM inventory_balances b
    LEFT JOIN materials m ON m.material_id = b.material_id
    GROUP BY 1, 2, 3
),
issues AS (
    SELECT plant_id, COALESCE(storage_location, 'UNASSIGNED') AS warehouse_id, material_id,
           SUM(quantity) FILTER (WHERE posting_date > %(as_of)s::date - 90) AS issues_90d_quantity,
           SUM(COALESCE(amount, 0)) AS issues_365d_amount
    FROM inventory_transactions
    WHERE posting_date > %(as_of)s::date - 365 AND posting_date <= %(as_of)s::date
      AND movement_type IN ('122', '261', '601') AND NOT COALESCE(cancelled, false)
    GROUP BY 1, 2, 3
)
SELECT s.plant_id AS factory_id,
       s.warehouse_id,
       s.material_id,
       m.material_name,
       m.material_type,
       m.base_unit_of_measure AS unit_of_measure,
       m.abc_classification AS abc_class,
       ROUND(s.quantity_on_hand, 3) AS quantity_on_hand,
       s.blocked_quantity,
       CASE WHEN s.quantity_on_hand <> 0 THEN s.inventory_value / s.quantity_on_hand ELSE s.price END AS unit_cost,
       m.standard_cost AS standard_unit_cost,
       ROUND(s.inventory_value, 2) AS inventory_value,
       ROUND(s.quantity_on_hand * m.standard_cost, 2) AS standard_cost_value,
       COALESCE(i.issues_90d_quantity, 0) / 90.0 AS average_daily_usage,
       COALESCE(i.issues_365d_amount, 0) AS issues_365d_amount,
       m.reorder_point,
       m.safety_stock,
       m.maximum_stock
FROM stock s
LEFT JOIN materials m ON m.material_id = s.material_id
LEFT JOIN issues i ON i.plant_id = s.plant_id AND i.warehouse_id = s.warehouse_id AND i.material_id = s.material_id
