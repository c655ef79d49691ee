-- cost_analysis_daily, genims_erp_db part: planned and actual costs of the ERP production orders finished per
-- product (materials.product_id of the order's material), plant and actual_finish_date; the ERP order of a MES
-- work order (production_orders.work_order_id) is finished on the day the work order completes.
SELECT COALESCE(m.product_id, 'UNASSIGNED') AS product_id,
       po.plant_id AS factory_id,
       po.actual_finish_date AS report_date,
       SUM(COALESCE(po.planned_costs, 0)) AS erp_planned_cost,
       SUM(COALESCE(po.actual_costs, 0)) AS erp_actual_cost
FROM production_orders po
LEFT JOIN materials m ON m.material_id = po.material_id
WHERE po.actual_finish_date >= %(start_date)s AND po.actual_finish_date < %(end_date)s
  AND po.system_status IN ('completed', 'closed')
GROUP BY 1, 2, 3
