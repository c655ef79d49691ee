-- inventory_reconciliation_summary, genims_wms_db part: per warehouse (reconciliation location), material and UTC
-- day, the lines of the location's latest ERP-WMS reconciliation as of the day (dated that day or in the 31 days
-- before it: reconciliations are weekly per warehouse, see genims_assets/synthetic/wms.py, so every day shows the
-- last known comparison), and the inventory sync errors of the pair: raised that day, and still open at the end of
-- the day (not resolved by then). A pair with sync errors (today or open) outside that reconciliation gets a row
-- with the error counts only (reconciliation_id NULL). Errors without a location or material count under
-- 'UNASSIGNED'. Warehouse names from warehouses.
WITH days AS (
    SELECT d::date AS report_date
    FROM generate_series(%(start_date)s::date, %(end_date)s::date - 1, interval '1 day') AS d
),
latest AS (
    SELECT DISTINCT ON (d.report_date, h.location_id) d.report_date, h.reconciliation_id
    FROM days d
    JOIN inventory_reconciliation_headers h
        ON h.reconciliation_date <= d.report_date AND h.reconciliation_date >= d.report_date - 31
    ORDER BY d.report_date, h.location_id, h.reconciliation_date DESC, h.started_at DESC NULLS LAST,
             h.reconciliation_id DESC
),
compared AS (
    SELECT h.report_date,
           l.location_id AS warehouse_id,
           l.material_id,
           MAX(h.reconciliation_id) AS reconciliation_id,
           SUM(COALESCE(l.erp_quantity, 0)) AS erp_quantity,
           SUM(COALESCE(l.wms_quantity, 0)) AS wms_quantity,
           SUM(COALESCE(l.erp_value, 0)) AS erp_value,
           SUM(COALESCE(l.wms_value, 0)) AS wms_value,
           (array_agg(l.variance_status ORDER BY ABS(COALESCE(l.variance_quantity, 0)) DESC))[1] AS variance_status
    FROM latest h
    JOIN inventory_reconciliation_lines l ON l.reconciliation_id = h.reconciliation_id
    GROUP BY 1, 2, 3
),
errors AS (
    SELECT COALESCE(NULLIF(location_id, ''), 'UNASSIGNED') AS warehouse_id,
           COALESCE(NULLIF(material_id, ''), 'UNASSIGNED') AS material_id,
           error_timestamp,
           CASE WHEN resolved_at IS NOT NULL THEN resolved_at
                WHEN COALESCE(error_status, 'open') = 'resolved' THEN error_timestamp
           END AS closed_at
    FROM inventory_sync_errors
    WHERE error_timestamp < %(end)s
      AND (error_timestamp >= %(start)s OR resolved_at IS NULL OR resolved_at >= %(start)s)
),
troubled AS (
    SELECT d.report_date, e.warehouse_id, e.material_id,
           COUNT(*) FILTER (WHERE e.error_timestamp >= d.report_date) AS sync_errors_today,
           COUNT(*) FILTER (WHERE e.closed_at IS NULL OR e.closed_at >= d.report_date + 1) AS open_sync_errors
    FROM days d
    JOIN errors e ON e.error_timestamp < d.report_date + 1
                 AND (e.error_timestamp >= d.report_date OR e.closed_at IS NULL OR e.closed_at >= d.report_date + 1)
    GROUP BY 1, 2, 3
)
SELECT COALESCE(c.report_date, t.report_date) AS report_date,
       COALESCE(c.warehouse_id, t.warehouse_id) AS warehouse_id,
       COALESCE(c.material_id, t.material_id) AS material_id,
       w.warehouse_name,
       c.reconciliation_id,
       c.erp_quantity,
       c.wms_quantity,
       c.erp_value,
       c.wms_value,
       c.variance_status,
       COALESCE(t.sync_errors_today, 0) AS sync_errors_today,
       COALESCE(t.open_sync_errors, 0) AS open_sync_errors
FROM compared c
FULL OUTER JOIN troubled t
    ON t.report_date = c.report_date AND t.warehouse_id = c.warehouse_id AND t.material_id = c.material_id
LEFT JOIN warehouses w ON w.warehouse_id = COALESCE(c.warehouse_id, t.warehouse_id)
