-- warehouse_operations_daily, genims_wms_db part: per warehouse and UTC day, the picking, packing, shipping and
-- receiving tasks completed (task_status 'completed', by completed_at), with picked units, picking hours
-- (completed_at - started_at), accurate picks (quantity_picked = quantity_to_pick), received units and shipped
-- packages; dock-to-stock = hours from the receiving task's start to the completion of its putaway task,
-- averaged over the putaways completed on the day. Names from warehouses (plant_id = factory).
WITH picking AS (
    SELECT warehouse_id, completed_at::date AS report_date,
           COUNT(*) AS picking_tasks_completed,
           SUM(COALESCE(quantity_picked, 0)) AS units_picked,
           COALESCE(SUM(EXTRACT(EPOCH FROM (completed_at - started_at))) FILTER (WHERE started_at <= completed_at), 0)
               / 3600.0 AS picking_hours,
           COUNT(*) FILTER (WHERE quantity_picked = quantity_to_pick) AS accurate_picks
    FROM picking_tasks
    WHERE completed_at >= %(start)s AND completed_at < %(end)s AND task_status = 'completed'
    GROUP BY 1, 2
),
packing AS (
    SELECT warehouse_id, completed_at::date AS report_date, COUNT(*) AS packing_tasks_completed
    FROM packing_tasks
    WHERE completed_at >= %(start)s AND completed_at < %(end)s AND task_status = 'completed'
    GROUP BY 1, 2
),
shipping AS (
    SELECT warehouse_id, completed_at::date AS report_date,
           COUNT(*) AS shipping_tasks_completed,
           SUM(COALESCE(number_of_packages, 0)) AS packages_shipped
    FROM shipping_tasks
    WHERE completed_at >= %(start)s AND completed_at < %(end)s AND task_status = 'completed'
    GROUP BY 1, 2
),
receiving AS (
    SELECT warehouse_id, completed_at::date AS report_date,
           COUNT(*) AS receiving_tasks_completed,
           SUM(COALESCE(received_quantity, 0)) AS units_received
    FROM receiving_tasks
    WHERE completed_at >= %(start)s AND completed_at < %(end)s AND task_status = 'completed'
    GROUP BY 1, 2
),
dock AS (
    SELECT r.warehouse_id, p.completed_at::date AS report_date,
           AVG(EXTRACT(EPOCH FROM (p.completed_at - r.started_at))) / 3600.0 AS avg_dock_to_stock_hours
    FROM putaway_tasks p
    JOIN receiving_tasks r ON r.receiving_task_id = p.receiving_task_id
    WHERE p.completed_at >= %(start)s AND p.completed_at < %(end)s AND p.task_status = 'completed'
      AND r.started_at IS NOT NULL
    GROUP BY 1, 2
),
grain AS (
    SELECT warehouse_id, report_date FROM picking
    UNION SELECT warehouse_id, report_date FROM packing
    UNION SELECT warehouse_id, report_date FROM shipping
    UNION SELECT warehouse_id, report_date FROM receiving
    UNION SELECT warehouse_id, report_date FROM dock
)
SELECT g.warehouse_id,
       g.report_date,
       w.warehouse_name,
       w.plant_id AS factory_id,
       COALESCE(pk.picking_tasks_completed, 0) AS picking_tasks_completed,
       COALESCE(pa.packing_tasks_completed, 0) AS packing_tasks_completed,
       COALESCE(sh.shipping_tasks_completed, 0) AS shipping_tasks_completed,
       COALESCE(rc.receiving_tasks_completed, 0) AS receiving_tasks_completed,
       COALESCE(pk.units_picked, 0) AS units_picked,
       COALESCE(pk.picking_hours, 0) AS picking_hours,
       COALESCE(pk.accurate_picks, 0) AS accurate_picks,
       COALESCE(rc.units_received, 0) AS units_received,
       d.avg_dock_to_stock_hours,
       COALESCE(sh.packages_shipped, 0) AS packages_shipped
FROM grain g
LEFT JOIN picking pk ON pk.warehouse_id = g.warehouse_id AND pk.report_date = g.report_date
LEFT JOIN packing pa ON pa.warehouse_id = g.warehouse_id AND pa.report_date = g.report_date
LEFT JOIN shipping sh ON sh.warehouse_id = g.warehouse_id AND sh.report_date = g.report_date
LEFT JOIN receiving rc ON rc.warehouse_id = g.warehouse_id AND rc.report_date = g.report_date
LEFT JOIN dock d ON d.warehouse_id = g.warehouse_id AND d.report_date = g.report_date
LEFT JOIN warehouses w ON w.warehouse_id = g.warehouse_id
