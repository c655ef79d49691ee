-- Sales dashboard: what does the open pipeline look like per territory and stage at the end of %(day)s, and how
-- well has each territory converted over the 90 days ending that day?
-- Parameters: %(day)s = the day (DATE, UTC).
-- Per territory: open opportunities, open and weighted amount and the amount per stage (the day's rows), and the
-- opportunities won and lost over the 90 days with the win rate = won / (won + lost) * 100 (every close has a row).
-- Served by the PRIMARY KEY (report_date, sales_rep_id, territory_id): a range on its first column reads the 90
-- days' rows (one per active rep and day) from at most four monthly partitions.
SELECT territory_id,
       MAX(territory_name) AS territory_name,
       SUM(CASE WHEN report_date = %(day)s THEN open_opportunities ELSE 0 END) AS open_opportunities,
       SUM(CASE WHEN report_date = %(day)s THEN open_pipeline_amount ELSE 0 END) AS open_pipeline_amount,
       SUM(CASE WHEN report_date = %(day)s THEN weighted_pipeline_amount ELSE 0 END) AS weighted_pipeline_amount,
       SUM(CASE WHEN report_date = %(day)s THEN prospecting_pipeline_amount ELSE 0 END) AS prospecting_amount,
       SUM(CASE WHEN report_date = %(day)s THEN qualification_pipeline_amount ELSE 0 END) AS qualification_amount,
       SUM(CASE WHEN report_date = %(day)s THEN needs_analysis_pipeline_amount ELSE 0 END) AS needs_analysis_amount,
       SUM(CASE WHEN report_date = %(day)s THEN proposal_pipeline_amount ELSE 0 END) AS proposal_amount,
       SUM(CASE WHEN report_date = %(day)s THEN negotiation_pipeline_amount ELSE 0 END) AS negotiation_amount,
       SUM(CASE WHEN report_date = %(day)s THEN other_stage_pipeline_amount ELSE 0 END) AS other_stage_amount,
       SUM(opportunities_won) AS won_90d,
       SUM(opportunities_lost) AS lost_90d,
       ROUND(100 * SUM(opportunities_won) / NULLIF(SUM(opportunities_won + opportunities_lost), 0), 3) AS win_rate_90d_pct
FROM sales_pipeline_summary
WHERE report_date > %(day)s - INTERVAL 90 DAY AND report_date <= %(day)s
GROUP BY territory_id
ORDER BY open_pipeline_amount DESC
