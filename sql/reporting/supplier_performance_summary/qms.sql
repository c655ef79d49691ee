-- supplier_performance_summary, genims_qms_db part: per supplier and month of the window, incoming quality
-- (quality score 0-100, NCRs, cost of poor quality) from supplier_quality_metrics ('YYYY-MM' periods).
SELECT to_date(metric_period || '-01', 'YYYY-MM-DD') AS report_month,
       supplier_id,
       quality_score AS qms_quality_score,
       COALESCE(ncr_count, 0) AS ncr_count,
       COALESCE(total_copq, 0) AS cost_of_poor_quality
FROM supplier_quality_metrics
WHERE metric_period >= to_char(%(start_date)s::date, 'YYYY-MM')
  AND metric_period < to_char(%(end_date)s::date, 'YYYY-MM')
