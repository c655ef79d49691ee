-- Control total of warehouse_operations_daily.tasks_completed: picking, packing, shipping and receiving tasks
-- completed per UTC day of the window (0 on a day without any), counted table by table.
WITH days AS (
    SELECT d::date AS report_date
    FROM generate_series(%(start_date)s::date, %(end_date)s::date - 1, interval '1 day') AS d
),
done AS (
    SELECT completed_at::date AS report_date, COUNT(*) AS n FROM picking_tasks
    WHERE completed_at >= %(start)s AND completed_at < %(end)s AND task_status = 'completed' GROUP BY 1
    UNION ALL
    SELECT completed_at::date, COUNT(*) FROM packing_tasks
    WHERE completed_at >= %(start)s AND completed_at < %(end)s AND task_status = 'completed' GROUP BY 1
    UNION ALL
    SELECT completed_at::date, COUNT(*) FROM shipping_tasks
    WHERE completed_at >= %(start)s AND completed_at < %(end)s AND task_status = 'completed' GROUP BY 1
    UNION ALL
    SELECT completed_at::date, COUNT(*) FROM receiving_tasks
    WHERE completed_at >= %(start)s AND completed_at < %(end)s AND task_status = 'completed' GROUP BY 1
)
SELECT d.report_date, COALESCE(SUM(t.n), 0) AS tasks_completed
FROM days d
LEFT JOIN done t ON t.report_date = d.report_date
GROUP BY d.report_date
