-- sales_pipeline_summary, genims_crm_db: per opportunity owner (sales rep), the rep's territory and day.
-- Pipeline at the end of each day: every opportunity created by then and not closed by then (closed_at), at the
-- stage, amount and probability of its last opportunity_stage_history row before the day ends (the opportunity's
-- own values when it has no history); a stage beginning with 'closed' is not open. Per stage: count, amount and
-- amount x probability / 100, as columns and as pipeline_by_stage JSON.
-- Closes of the day: history rows moving to closed_won / closed_lost, their amount, and for the won ones the days
-- from the opportunity's creation to the close (conversion_days, summed); closes over the 90 days ending the day
-- (the rolling win rate). Quotations dated on the day: count and total_amount, credited to the opportunity's owner
-- (else the quotation's preparer).
WITH days AS (
    SELECT %(start_date)s::date + i AS report_date
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
state AS (
    SELECT d.report_date,
           o.opportunity_owner AS sales_rep_id,
           COALESCE(h.to_stage, o.stage) AS stage,
           COALESCE(h.to_amount, o.amount) AS amount,
           COALESCE(h.to_probability, o.probability_pct) AS probability
    FROM days d
    JOIN opportunities o
      ON o.created_at < d.report_date + 1
     AND (o.closed_at IS NULL OR o.closed_at >= d.report_date + 1)
    LEFT JOIN LATERAL (
        SELECT x.to_stage, x.to_amount, x.to_probability
        FROM opportunity_stage_history x
        WHERE x.opportunity_id = o.opportunity_id AND x.changed_at < d.report_date + 1
        ORDER BY x.changed_at DESC, x.history_id DESC
        LIMIT 1
    ) h ON true
),
by_stage AS (
    SELECT report_date,
           sales_rep_id,
           stage,
           COUNT(*) AS opportunities,
           SUM(COALESCE(amount, 0)) AS amount,
           SUM(COALESCE(amount, 0) * COALESCE(probability, 0) / 100.0) AS weighted_amount
    FROM state
    WHERE stage IS NOT NULL AND stage NOT LIKE 'closed%%'
    GROUP BY report_date, sales_rep_id, stage
),
pipeline AS (
    SELECT report_date,
           sales_rep_id,
           SUM(opportunities) AS open_opportunities,
           SUM(amount) AS open_pipeline_amount,
           SUM(weighted_amount) AS weighted_pipeline_amount,
           SUM(amount) FILTER (WHERE stage = 'prospecting') AS prospecting_pipeline_amount,
           SUM(amount) FILTER (WHERE stage = 'qualification') AS qualification_pipeline_amount,
           SUM(amount) FILTER (WHERE stage = 'needs_analysis') AS needs_analysis_pipeline_amount,
           SUM(amount) FILTER (WHERE stage = 'proposal') AS proposal_pipeline_amount,
           SUM(amount) FILTER (WHERE stage = 'negotiation') AS negotiation_pipeline_amount,
           SUM(amount) FILTER (
               WHERE stage NOT IN ('prospecting', 'qualification', 'needs_analysis', 'proposal', 'negotiation')
           ) AS other_stage_pipeline_amount,
           json_object_agg(
               stage,
               json_build_object(
                   'count', opportunities, 'amount', ROUND(amount, 2), 'weighted_amount', ROUND(weighted_amount, 2)
               )
               ORDER BY stage
           )::text AS pipeline_by_stage
    FROM by_stage
    GROUP BY report_date, sales_rep_id
),
closes AS (
    SELECT o.opportunity_owner AS sales_rep_id,
           h.changed_at::date AS close_date,
           h.to_stage = 'closed_won' AS won,
           COALESCE(h.to_amount, o.amount, 0) AS amount,
           EXTRACT(EPOCH FROM h.changed_at - o.created_at) / 86400.0 AS conversion_days
    FROM opportunity_stage_history h
    JOIN opportunities o ON o.opportunity_id = h.opportunity_id
    WHERE h.to_stage IN ('closed_won', 'closed_lost')
      AND h.changed_at >= %(start)s - interval '89 days' AND h.changed_at < %(end)s
),
closed_day AS (
    SELECT d.report_date,
           c.sales_rep_id,
           COUNT(*) FILTER (WHERE c.won AND c.close_date = d.report_date) AS opportunities_won,
           COUNT(*) FILTER (WHERE NOT c.won AND c.close_date = d.report_date) AS opportunities_lost,
           SUM(c.amount) FILTER (WHERE c.won AND c.close_date = d.report_date) AS won_amount,
           SUM(c.amount) FILTER (WHERE NOT c.won AND c.close_date = d.report_date) AS lost_amount,
           SUM(c.conversion_days) FILTER (WHERE c.won AND c.close_date = d.report_date) AS conversion_days,
           COUNT(*) FILTER (WHERE c.won) AS won_90d,
           COUNT(*) AS closed_90d
    FROM days d
    JOIN closes c ON c.close_date BETWEEN d.report_date - 89 AND d.report_date
    GROUP BY d.report_date, c.sales_rep_id
),
quotes AS (
    SELECT q.quotation_date AS report_date,
           COALESCE(o.opportunity_owner, q.prepared_by) AS sales_rep_id,
           COUNT(*) AS quotations_issued,
           SUM(COALESCE(q.total_amount, 0)) AS quotations_amount
    FROM quotations q
    LEFT JOIN opportunities o ON o.opportunity_id = q.opportunity_id
    WHERE q.quotation_date >= %(start_date)s AND q.quotation_date < %(end_date)s
    GROUP BY q.quotation_date, COALESCE(o.opportunity_owner, q.prepared_by)
),
grain AS (
    SELECT report_date, sales_rep_id FROM pipeline
    UNION SELECT report_date, sales_rep_id FROM closed_day WHERE opportunities_won + opportunities_lost > 0
    UNION SELECT report_date, sales_rep_id FROM quotes
)
SELECT g.report_date,
       g.sales_rep_id,
       r.territory_id,
       NULLIF(TRIM(CONCAT_WS(' ', r.first_name, r.last_name)), '') AS sales_rep_name,
       t.territory_name,
       COALESCE(p.open_opportunities, 0) AS open_opportunities,
       COALESCE(p.open_pipeline_amount, 0) AS open_pipeline_amount,
       COALESCE(p.weighted_pipeline_amount, 0) AS weighted_pipeline_amount,
       COALESCE(p.prospecting_pipeline_amount, 0) AS prospecting_pipeline_amount,
       COALESCE(p.qualification_pipeline_amount, 0) AS qualification_pipeline_amount,
       COALESCE(p.needs_analysis_pipeline_amount, 0) AS needs_analysis_pipeline_amount,
       COALESCE(p.proposal_pipeline_amount, 0) AS proposal_pipeline_amount,
       COALESCE(p.negotiation_pipeline_amount, 0) AS negotiation_pipeline_amount,
       COALESCE(p.other_stage_pipeline_amount, 0) AS other_stage_pipeline_amount,
       p.pipeline_by_stage,
       COALESCE(c.opportunities_won, 0) AS opportunities_won,
       COALESCE(c.opportunities_lost, 0) AS opportunities_lost,
       COALESCE(c.won_amount, 0) AS won_amount,
       COALESCE(c.lost_amount, 0) AS lost_amount,
       COALESCE(c.conversion_days, 0) AS conversion_days,
       COALESCE(c.won_90d, 0) AS won_90d,
       COALESCE(c.closed_90d, 0) AS closed_90d,
       COALESCE(q.quotations_issued, 0) AS quotations_issued,
       COALESCE(q.quotations_amount, 0) AS quotations_amount
FROM grain g
LEFT JOIN pipeline p ON p.report_date = g.report_date AND p.sales_rep_id IS NOT DISTINCT FROM g.sales_rep_id
LEFT JOIN closed_day c ON c.report_date = g.report_date AND c.sales_rep_id IS NOT DISTINCT FROM g.sales_rep_id
LEFT JOIN quotes q ON q.report_date = g.report_date AND q.sales_rep_id IS NOT DISTINCT FROM g.sales_rep_id
LEFT JOIN sales_reps r ON r.sales_rep_id = g.sales_rep_id
LEFT JOIN sales_territories t ON t.territory_id = r.territory_id
