-- mrp_shortage_summary, genims_erp_db part: the material dimension (names next to ids).
SELECT material_id, material_name
FROM materials
