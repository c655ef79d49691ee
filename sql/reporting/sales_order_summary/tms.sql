-- sales_order_summary, genims_tms_db part: per sales order, its deliveries delivered by the load time (as_of),
-- those on time (actual_delivery_date <= scheduled_delivery_date) and those accepted (a proof of delivery with
-- packages in good condition). An order ships on or after its order day, so the shipments from the window's first
-- day on hold every delivery of the window's orders.
SELECT COALESCE(d.sales_order_id, s.sales_order_id) AS sales_order_id,
       COUNT(*) AS deliveries_count,
       COUNT(*) FILTER (WHERE d.actual_delivery_date <= d.scheduled_delivery_date) AS on_time_deliveries,
       COUNT(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM proof_of_delivery p WHERE p.delivery_id = d.delivery_id AND p.packages_condition = 'good'
       )) AS accepted_deliveries
FROM shipments s
JOIN deliveries d ON d.shipment_id = s.shipment_id
WHERE s.ship_date >= %(start_date)s
  AND d.actual_delivery_date <= %(as_of)s::date
  AND COALESCE(d.sales_order_id, s.sales_order_id) IS NOT NULL
GROUP BY COALESCE(d.sales_order_id, s.sales_order_id)
