-- material_flow_daily, genims_erp_db part: per material, plant and day of the window, the stock movements by
-- class and the stock before and after them. Quantities are positive, the movement type gives the direction:
--   receipts     101 (goods and production receipts), 262 (returned from production)
--   issues       261 (to production), 601 (delivery to a customer), 122 (returned to the vendor)
--   adjustments  701 (count gain, +), 702 (count loss, -), 551 (scrap, -)
--   transfers    3xx: out of plant_id, into receiving_plant (the same plant when empty); other types are ignored.
-- Cancelled documents do not count. Stock at the end of a day = today's balance (unrestricted + quality
-- inspection + blocked) minus the net movements posted after that day; opening = ending - the day's net.
-- average_daily_usage = issues of the 30 days ending the day / 30. A material and plant gets a row on a day
-- with a movement or with stock.
WITH moves AS (
    SELECT t.material_id, t.plant_id, t.posting_date, t.quantity, COALESCE(t.amount, 0) AS amount,
           CASE WHEN t.movement_type IN ('101', '262') THEN 'receipt'
                WHEN t.movement_type IN ('122', '261', '601') THEN 'issue'
                WHEN t.movement_type IN ('551', '701', '702') THEN 'adjustment'
                WHEN t.movement_type LIKE '3%%' THEN 'transfer' END AS class,
           CASE WHEN t.movement_type IN ('101', '262', '701') THEN 1
                WHEN t.movement_type IN ('122', '261', '551', '601', '702') OR t.movement_type LIKE '3%%' THEN -1
                ELSE 0 END AS sign
    FROM inventory_transactions t
    WHERE t.posting_date >= %(start_date)s::date - 29 AND NOT COALESCE(t.cancelled, false)
    UNION ALL
    SELECT t.material_id, COALESCE(t.receiving_plant, t.plant_id), t.posting_date, t.quantity, COALESCE(t.amount, 0),
           'transfer', 1
    FROM inventory_transactions t
    WHERE t.posting_date >= %(start_date)s::date - 29 AND NOT COALESCE(t.cancelled, false)
      AND t.movement_type LIKE '3%%'
),
daily AS (
    SELECT material_id, plant_id, posting_date AS day,
           COUNT(*) AS movements,
           SUM(quantity) FILTER (WHERE class = 'receipt') AS receipts_quantity,
           SUM(quantity) FILTER (WHERE class = 'issue') AS issues_quantity,
           SUM(sign * quantity) FILTER (WHERE class = 'adjustment') AS adjustments_quantity,
           SUM(sign * quantity) FILTER (WHERE class = 'transfer') AS transfers_quantity,
           SUM(amount) FILTER (WHERE class = 'receipt') AS receipts_value,
           SUM(amount) FILTER (WHERE class = 'issue') AS issues_value,
           SUM(sign * quantity) AS net_quantity
    FROM moves
    WHERE posting_date < %(end_date)s
    GROUP BY material_id, plant_id, posting_date
),
balance AS (
    SELECT material_id, plant_id,
           SUM(COALESCE(unrestricted_stock, 0) + COALESCE(quality_inspection_stock, 0) + COALESCE(blocked_stock, 0))
               AS quantity
    FROM inventory_balances
    GROUP BY material_id, plant_id
),
later AS (  -- net movements posted on or after the end of the window
    SELECT material_id, plant_id, SUM(sign * quantity) AS quantity
    FROM moves
    WHERE posting_date >= %(end_date)s
    GROUP BY material_id, plant_id
),
keys AS (
    SELECT material_id, plant_id FROM balance
    UNION
    SELECT material_id, plant_id FROM daily
    UNION
    SELECT material_id, plant_id FROM later
),
grid AS (  -- the window's days per material and plant, with the day's movements
    SELECT k.material_id, k.plant_id, %(start_date)s::date + i AS day,
           COALESCE(b.quantity, 0) - COALESCE(l.quantity, 0) AS end_of_window,
           COALESCE(f.movements, 0) AS movements,
           COALESCE(f.receipts_quantity, 0) AS receipts_quantity,
           COALESCE(f.issues_quantity, 0) AS issues_quantity,
           COALESCE(f.adjustments_quantity, 0) AS adjustments_quantity,
           COALESCE(f.transfers_quantity, 0) AS transfers_quantity,
           COALESCE(f.receipts_value, 0) AS receipts_value,
           COALESCE(f.issues_value, 0) AS issues_value,
           COALESCE(f.net_quantity, 0) AS net_quantity
    FROM keys k
    CROSS JOIN generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
    LEFT JOIN balance b ON b.material_id = k.material_id AND b.plant_id = k.plant_id
    LEFT JOIN later l ON l.material_id = k.material_id AND l.plant_id = k.plant_id
    LEFT JOIN daily f ON f.material_id = k.material_id AND f.plant_id = k.plant_id AND f.day = %(start_date)s::date + i
),
stream AS (  -- per material and plant, its movement days of the 29 days before the window, and the window's days
    SELECT material_id, plant_id, day, issues_quantity AS issues_of_stream, false AS on_grid,
           NULL::numeric AS end_of_window, 0 AS movements, NULL::numeric AS receipts_quantity,
           NULL::numeric AS issues_quantity, NULL::numeric AS adjustments_quantity,
           NULL::numeric AS transfers_quantity, NULL::numeric AS receipts_value, NULL::numeric AS issues_value,
           0 AS net_quantity
    FROM daily
    WHERE day < %(start_date)s
    UNION ALL
    SELECT material_id, plant_id, day, issues_quantity, true, end_of_window, movements, receipts_quantity,
           issues_quantity, adjustments_quantity, transfers_quantity, receipts_value, issues_value, net_quantity
    FROM grid
),
flow AS (  -- window sums over the stream: the window's later days' net, and the 30 days' issues ending each day
    SELECT s.*,
           s.end_of_window - COALESCE(SUM(s.net_quantity) OVER (
               PARTITION BY s.material_id, s.plant_id ORDER BY s.day
               ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0) AS ending_balance_quantity,
           COALESCE(SUM(s.issues_of_stream) OVER (
               PARTITION BY s.material_id, s.plant_id ORDER BY s.day
               RANGE BETWEEN '29 days'::interval PRECEDING AND CURRENT ROW), 0) / 30.0 AS average_daily_usage
    FROM stream s
)
SELECT f.material_id,
       f.plant_id AS factory_id,
       f.day AS report_date,
       m.material_name,
       m.base_unit_of_measure AS unit_of_measure,
       ROUND(f.ending_balance_quantity - f.net_quantity, 3) AS opening_quantity,
       ROUND(f.receipts_quantity, 3) AS receipts_quantity,
       ROUND(f.issues_quantity, 3) AS issues_quantity,
       ROUND(f.adjustments_quantity, 3) AS adjustments_quantity,
       ROUND(f.transfers_quantity, 3) AS transfers_quantity,
       ROUND(f.ending_balance_quantity, 3) AS ending_balance_quantity,
       f.receipts_value,
       f.issues_value,
       ROUND(f.average_daily_usage, 3) AS average_daily_usage,
       m.default_supplier_id,
       s.supplier_name AS default_supplier_name
FROM flow f
LEFT JOIN materials m ON m.material_id = f.material_id
LEFT JOIN suppliers s ON s.supplier_id = m.default_supplier_id
WHERE f.on_grid
  AND (f.movements > 0 OR f.ending_balance_quantity <> 0 OR f.ending_balance_quantity - f.net_quantity <> 0)
