-- profit_and_loss_daily, genims_hcm_db part: the department dimension (names next to ids).
SELECT department_id, department_name
FROM departments
