-- accounts_payable_aging, genims_erp_db part: the supplier dimension (names next to ids).
SELECT supplier_id, supplier_name
FROM suppliers
