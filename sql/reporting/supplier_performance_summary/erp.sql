-- supplier_performance_summary, genims_erp_db part: the supplier dimension (names next to ids).
SELECT supplier_id, supplier_name, supplier_type
FROM suppliers
