-- Control total of work_in_process.throughput_units: good units of the work orders completed (status completed
-- or closed) per day of actual_end_time.
SELECT actual_end_time::date AS report_date, SUM(COALESCE(good_quantity, 0)) AS throughput_units
FROM work_orders
WHERE actual_end_time >= %(start)s AND actual_end_time < %(end)s AND status IN ('completed', 'closed')
GROUP BY actual_end_time::date
