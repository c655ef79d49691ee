-- material_flow_daily, genims_supplier_db part: per day of the window and supplier, the overall_score (0-100) of
-- the latest performance period published (created_at) by the end of that day.
SELECT %(start_date)s::date + i AS report_date, p.supplier_id, p.overall_score AS supplier_performance_rating
FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
CROSS JOIN LATERAL (
    SELECT DISTINCT ON (m.supplier_id) m.supplier_id, m.overall_score
    FROM supplier_performance_metrics m
    WHERE m.created_at < (%(start_date)s::date + i + 1)::timestamp AND m.overall_score IS NOT NULL
    ORDER BY m.supplier_id, m.metric_period DESC
) AS p
