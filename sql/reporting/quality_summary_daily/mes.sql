-- quality_summary_daily, genims_mes_db part: per product, factory (of the work order) and day (UTC):
--  * quality inspections of the day: count, failed (inspection_result 'fail'), units inspected (sample_size) and the
--    defective units found in those samples (defects_found);
--  * defects detected in the day: units defective (quantity_affected), records by severity, scrap and rework
--    cost; the scrapped units of a defect are its quantity x its work order's scrapped / rejected quantity
--    (MES splits each order's rejects into scrap and rework that way; customer-found defects are reworked), the
--    rest is rework.
WITH inspections AS (
    SELECT COALESCE(i.product_id, w.product_id) AS product_id, w.factory_id, i.inspection_date::date AS report_date,
           COUNT(*) AS inspections_count,
           COUNT(*) FILTER (WHERE i.inspection_result = 'fail') AS inspections_failed,
           SUM(COALESCE(i.sample_size, 0)) AS units_inspected,
           SUM(LEAST(COALESCE(i.defects_found, 0), COALESCE(i.sample_size, 0))) AS sample_defects
    FROM quality_inspections i
    LEFT JOIN work_orders w ON w.work_order_id = i.work_order_id
    WHERE i.inspection_date >= %(start)s AND i.inspection_date < %(end)s
    GROUP BY COALESCE(i.product_id, w.product_id), w.factory_id, i.inspection_date::date
),
defects AS (
    SELECT COALESCE(d.product_id, w.product_id) AS product_id, w.factory_id, d.detected_date::date AS report_date,
           SUM(COALESCE(d.quantity_affected, 0)) AS units_defective,
           COUNT(*) FILTER (WHERE d.defect_severity = 'critical') AS critical_defects,
           COUNT(*) FILTER (WHERE d.defect_severity = 'major') AS major_defects,
           COUNT(*) FILTER (WHERE d.defect_severity = 'minor') AS minor_defects,
           SUM(CASE WHEN d.detection_method = 'customer_complaint' THEN 0
                    ELSE COALESCE(d.quantity_affected, 0) * COALESCE(w.scrapped_quantity, 0)
                         / NULLIF(w.rejected_quantity, 0)::numeric END) AS scrap_units,
           SUM(COALESCE(d.scrap_cost, 0)) AS scrap_cost,
           SUM(COALESCE(d.rework_cost, 0)) AS rework_cost
    FROM defects d
    LEFT JOIN work_orders w ON w.work_order_id = d.work_order_id
    WHERE d.detected_date >= %(start)s AND d.detected_date < %(end)s
    GROUP BY COALESCE(d.product_id, w.product_id), w.factory_id, d.detected_date::date
)
SELECT COALESCE(i.product_id, d.product_id) AS product_id,
       COALESCE(i.factory_id, d.factory_id) AS factory_id,
       COALESCE(i.report_date, d.report_date) AS report_date,
       COALESCE(i.inspections_count, 0) AS inspections_count,
       COALESCE(i.inspections_failed, 0) AS inspections_failed,
       COALESCE(i.units_inspected, 0) AS units_inspected,
       COALESCE(i.sample_defects, 0) AS sample_defects,
       COALESCE(d.units_defective, 0) AS units_defective,
       COALESCE(d.critical_defects, 0) AS critical_defects,
       COALESCE(d.major_defects, 0) AS major_defects,
       COALESCE(d.minor_defects, 0) AS minor_defects,
       COALESCE(d.scrap_units, 0) AS scrap_units,
       COALESCE(d.scrap_cost, 0) AS scrap_cost,
       COALESCE(d.rework_cost, 0) AS rework_cost
FROM inspections i
FULL OUTER JOIN defects d
  ON d.product_id IS NOT DISTINCT FROM i.product_id
 AND d.factory_id IS NOT DISTINCT FROM i.factory_id
 AND d.report_date = i.report_date
