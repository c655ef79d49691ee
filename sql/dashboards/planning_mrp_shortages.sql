-- Planning dashboard: which materials will run short at each plant, according to the latest MRP runs by %(day)s?
-- Parameters: %(day)s = the day (DATE, UTC) as of which to read the runs (MRP does not run every day: on a day
-- without runs, the last day with runs before it), %(limit)s = how many materials to list.
-- Per material and plant with a projected shortage (stock below 0 within the run's horizon) or a shortage exception
-- (MRP proposed an order because projected stock falls below safety stock): stock, planned receipts and
-- requirements within the run's horizon, the shortage quantity, the first day stock runs out, days until then
-- (negative: a requirement already past due that the stock cannot cover), and the exception messages.
-- Served by the PRIMARY KEY (report_date, material_id, plant_id): the day is read off the index, then an equality on
-- its first column reads that day's rows (the materials the day's runs planned) from one partition; the sort is
-- over those few rows.
SELECT plant_id,
       plant_name,
       material_id,
       material_name,
       mrp_run_id,
       stock_quantity,
       planned_receipts_quantity,
       requirements_quantity,
       shortage_quantity,
       first_shortage_date,
       DATEDIFF(first_shortage_date, report_date) AS days_to_shortage,
       exception_messages
FROM mrp_shortage_summary
WHERE report_date = (SELECT MAX(report_date) FROM mrp_shortage_summary WHERE report_date <= %(day)s)
  AND (shortage_quantity > 0 OR shortage_exceptions > 0)
ORDER BY first_shortage_date IS NULL, first_shortage_date, plant_id, shortage_quantity DESC
LIMIT %(limit)s
