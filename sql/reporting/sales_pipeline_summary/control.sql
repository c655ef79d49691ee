-- Control total of sales_pipeline_summary.open_pipeline_amount: per day, the amount of the opportunities open at
-- the end of the day, whatever their owner, from each opportunity's latest stage-history row before the day ends
-- (computed here with DISTINCT ON rather than per rep); 0 on a day without any.
WITH days AS (
    SELECT %(start_date)s::date + i AS report_date
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
latest AS (
    SELECT DISTINCT ON (d.report_date, o.opportunity_id)
           d.report_date,
           COALESCE(h.to_stage, o.stage) AS stage,
           COALESCE(h.to_amount, o.amount) AS amount
    FROM days d
    JOIN opportunities o
      ON o.created_at < d.report_date + 1
     AND (o.closed_at IS NULL OR o.closed_at >= d.report_date + 1)
    LEFT JOIN opportunity_stage_history h
      ON h.opportunity_id = o.opportunity_id AND h.changed_at < d.report_date + 1
    ORDER BY d.report_date, o.opportunity_id, h.changed_at DESC NULLS LAST, h.history_id DESC
)
SELECT d.report_date,
       COALESCE(SUM(l.amount) FILTER (WHERE l.stage IS NOT NULL AND l.stage NOT LIKE 'closed%%'), 0) AS open_pipeline_amount
FROM days d
LEFT JOIN latest l ON l.report_date = d.report_date
GROUP BY d.report_date
