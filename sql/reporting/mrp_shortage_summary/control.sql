-- Control total of mrp_shortage_summary.exception_count: elements with an exception message of the completed MRP
-- runs planned per day of the window (one run per plant and day, so every completed run counts; 0 without runs).
WITH days AS (
    SELECT d::date AS report_date
    FROM generate_series(%(start_date)s::date, %(end_date)s::date - 1, interval '1 day') AS d
)
SELECT d.report_date, COUNT(e.exception_message) AS exception_count
FROM days d
LEFT JOIN mrp_runs r ON r.planning_date = d.report_date AND r.run_status = 'completed' AND r.plant_id IS NOT NULL
LEFT JOIN mrp_elements e ON e.mrp_run_id = r.mrp_run_id
GROUP BY d.report_date
