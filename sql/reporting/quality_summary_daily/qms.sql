-- quality_summary_daily, genims_qms_db part: the NCRs detected in the day (qms.ncr_headers.detected_date) per
-- product and factory (detection_location; supplier NCRs concern a material and have no product), with their
-- rework, scrap and sorting cost.
SELECT product_id,
       detection_location AS factory_id,
       detected_date AS report_date,
       COUNT(*) AS ncr_count,
       SUM(COALESCE(rework_cost, 0)) AS ncr_rework_cost,
       SUM(COALESCE(scrap_cost, 0)) AS ncr_scrap_cost,
       SUM(COALESCE(sorting_cost, 0)) AS sorting_cost
FROM ncr_headers
WHERE detected_date >= %(start_date)s AND detected_date < %(end_date)s
GROUP BY product_id, detection_location, detected_date
