-- supplier_performance_summary, genims_supplier_db part: per supplier and month of the window, the monthly
-- scorecard (scores 0-100, rating) next to the monthly performance metrics (POs, on-time, acceptance, ppm, spend),
-- plus the previous month's overall score (scorecard, else metrics) for the trend. Periods are 'YYYY-MM' text,
-- so the month before the window is read too and dropped after the LAG.
WITH cards AS (
    SELECT supplier_id, scorecard_period AS period, quality_score, delivery_score, commercial_score,
           responsiveness_score, overall_score, supplier_rating
    FROM supplier_scorecards
    WHERE COALESCE(scorecard_type, 'monthly') = 'monthly'
      AND scorecard_period >= to_char(%(start_date)s::date - interval '1 month', 'YYYY-MM')
      AND scorecard_period < to_char(%(end_date)s::date, 'YYYY-MM')
),
metrics AS (
    SELECT supplier_id, metric_period AS period, total_pos_issued, ontime_delivery_pct, quality_acceptance_pct,
           defect_ppm, total_spend, overall_score, performance_rating, trend
    FROM supplier_performance_metrics
    WHERE metric_period >= to_char(%(start_date)s::date - interval '1 month', 'YYYY-MM')
      AND metric_period < to_char(%(end_date)s::date, 'YYYY-MM')
),
joined AS (
    SELECT COALESCE(c.supplier_id, m.supplier_id) AS supplier_id,
           COALESCE(c.period, m.period) AS period,
           c.quality_score AS scorecard_quality_score,
           c.delivery_score AS scorecard_delivery_score,
           c.commercial_score AS cost_score,
           c.responsiveness_score,
           c.overall_score AS scorecard_overall_score,
           c.supplier_rating AS scorecard_rating,
           m.total_pos_issued AS po_count,
           m.ontime_delivery_pct AS on_time_delivery_pct,
           m.quality_acceptance_pct,
           m.defect_ppm,
           m.total_spend AS total_spend_amount,
           m.overall_score AS metrics_overall_score,
           m.performance_rating AS metrics_rating,
           m.trend AS metrics_trend
    FROM cards c
    FULL OUTER JOIN metrics m ON m.supplier_id = c.supplier_id AND m.period = c.period
),
trended AS (
    SELECT j.*,
           LAG(COALESCE(scorecard_overall_score, metrics_overall_score))
               OVER (PARTITION BY supplier_id ORDER BY period) AS previous_overall_score,
           LAG(period) OVER (PARTITION BY supplier_id ORDER BY period) AS previous_period
    FROM joined j
)
SELECT to_date(period || '-01', 'YYYY-MM-DD') AS report_month,
       supplier_id,
       scorecard_quality_score, scorecard_delivery_score, cost_score, responsiveness_score,
       scorecard_overall_score, scorecard_rating, po_count, on_time_delivery_pct, quality_acceptance_pct,
       defect_ppm, total_spend_amount, metrics_overall_score, metrics_rating, metrics_trend,
       CASE WHEN previous_period = to_char(to_date(period || '-01', 'YYYY-MM-DD') - interval '1 month', 'YYYY-MM')
            THEN previous_overall_score END AS previous_overall_score
FROM trended
WHERE period >= to_char(%(start_date)s::date, 'YYYY-MM')
