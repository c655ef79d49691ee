-- Control total of quality_summary_daily.units_defective: quantity_affected of the MES defects detected in the day.
SELECT detected_date::date AS report_date, SUM(COALESCE(quantity_affected, 0)) AS units_defective
FROM defects
WHERE detected_date >= %(start)s AND detected_date < %(end)s
GROUP BY detected_date::date
