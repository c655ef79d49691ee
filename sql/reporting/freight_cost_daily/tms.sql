-- freight_cost_daily, genims_tms_db part: per carrier and UTC day, the shipments shipped (ship_date; cancelled
-- ones left out) with their weight and cost components, and the freight invoices dated that day with their lines
-- (billed charge_amount vs quoted expected_amount, disputed lines). Names from carriers.
WITH shipped AS (
    SELECT carrier_id, ship_date AS report_date,
           COUNT(*) AS shipments_count,
           SUM(COALESCE(total_weight_kg, 0)) AS total_weight_kg,
           SUM(COALESCE(freight_cost, 0)) AS freight_charges,
           SUM(COALESCE(fuel_surcharge, 0)) AS fuel_surcharge,
           SUM(COALESCE(accessorial_charges, 0) + COALESCE(insurance_cost, 0)) AS accessorial_charges,
           SUM(COALESCE(total_cost, 0)) AS freight_spend
    FROM shipments
    WHERE ship_date >= %(start_date)s AND ship_date < %(end_date)s
      AND COALESCE(shipment_status, '') <> 'cancelled'
    GROUP BY 1, 2
),
invoiced AS (
    SELECT i.carrier_id, i.invoice_date AS report_date,
           COUNT(DISTINCT i.invoice_id) AS invoices_count,
           SUM(COALESCE(l.charge_amount, 0)) AS invoiced_amount,
           SUM(COALESCE(l.expected_amount, 0)) AS expected_amount,
           COUNT(*) FILTER (WHERE l.disputed) AS disputed_lines
    FROM freight_invoices i
    LEFT JOIN freight_invoice_lines l ON l.invoice_id = i.invoice_id
    WHERE i.invoice_date >= %(start_date)s AND i.invoice_date < %(end_date)s
    GROUP BY 1, 2
)
SELECT COALESCE(s.carrier_id, v.carrier_id) AS carrier_id,
       COALESCE(s.report_date, v.report_date) AS report_date,
       c.carrier_name,
       c.carrier_type,
       COALESCE(s.shipments_count, 0) AS shipments_count,
       COALESCE(s.total_weight_kg, 0) AS total_weight_kg,
       COALESCE(s.freight_charges, 0) AS freight_charges,
       COALESCE(s.fuel_surcharge, 0) AS fuel_surcharge,
       COALESCE(s.accessorial_charges, 0) AS accessorial_charges,
       COALESCE(s.freight_spend, 0) AS freight_spend,
       COALESCE(v.invoices_count, 0) AS invoices_count,
       COALESCE(v.invoiced_amount, 0) AS invoiced_amount,
       COALESCE(v.expected_amount, 0) AS expected_amount,
       COALESCE(v.disputed_lines, 0) AS disputed_lines
FROM shipped s
FULL OUTER JOIN invoiced v ON v.carrier_id = s.carrier_id AND v.report_date = s.report_date
LEFT JOIN carriers c ON c.carrier_id = COALESCE(s.carrier_id, v.carrier_id)
