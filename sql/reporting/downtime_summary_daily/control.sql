-- Control total of downtime_summary_daily.downtime_cost: estimated_cost of the MES downtime events starting in the
-- day, machine stops and line-wide stops alike (the table shares a line-wide stop's cost among the line's machines).
SELECT downtime_start::date AS report_date, SUM(COALESCE(estimated_cost, 0)) AS downtime_cost
FROM downtime_events
WHERE downtime_start >= %(start)s AND downtime_start < %(end)s
GROUP BY downtime_start::date
