-- genims_audit_db: the append-only guard (see genims_assets/audit/README.md section 4).
-- One BEFORE UPDATE and one BEFORE DELETE trigger on each of the 29 append-only audit tables
-- (every table of audit_schema.sql but audit_sequence_manager, the one mutable control table).
-- A write that would change or remove an audit row fails with SQLSTATE 45000 naming the table.
-- TRUNCATE, DROP and ALTER TABLE ... DROP PARTITION fire no trigger: only the missing DROP/ALTER
-- privileges of the shipper and reader accounts stop them (genims_assets/audit/accounts.py).
-- Applied by `genims setup` as MYSQL_ADMIN_USER: a missing trigger is created, one whose action
-- differs from this file is replaced (and reported); `genims verify` reports both.
-- Layout read by genims_assets/audit/accounts.py: one statement per line, single-statement bodies
-- (no BEGIN ... END, so no DELIMITER), no IF NOT EXISTS (MySQL 8.0 before 8.0.29 has none).

CREATE TRIGGER system_audit_log_no_update BEFORE UPDATE ON system_audit_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'system_audit_log is append-only: UPDATE refused';
CREATE TRIGGER system_audit_log_no_delete BEFORE DELETE ON system_audit_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'system_audit_log is append-only: DELETE refused';

CREATE TRIGGER user_activity_log_no_update BEFORE UPDATE ON user_activity_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'user_activity_log is append-only: UPDATE refused';
CREATE TRIGGER user_activity_log_no_delete BEFORE DELETE ON user_activity_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'user_activity_log is append-only: DELETE refused';

CREATE TRIGGER login_audit_no_update BEFORE UPDATE ON login_audit FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'login_audit is append-only: UPDATE refused';
CREATE TRIGGER login_audit_no_delete BEFORE DELETE ON login_audit FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'login_audit is append-only: DELETE refused';

CREATE TRIGGER database_changes_no_update BEFORE UPDATE ON database_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'database_changes is append-only: UPDATE refused';
CREATE TRIGGER database_changes_no_delete BEFORE DELETE ON database_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'database_changes is append-only: DELETE refused';

CREATE TRIGGER permission_changes_no_update BEFORE UPDATE ON permission_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'permission_changes is append-only: UPDATE refused';
CREATE TRIGGER permission_changes_no_delete BEFORE DELETE ON permission_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'permission_changes is append-only: DELETE refused';

CREATE TRIGGER configuration_changes_no_update BEFORE UPDATE ON configuration_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'configuration_changes is append-only: UPDATE refused';
CREATE TRIGGER configuration_changes_no_delete BEFORE DELETE ON configuration_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'configuration_changes is append-only: DELETE refused';

CREATE TRIGGER security_events_no_update BEFORE UPDATE ON security_events FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'security_events is append-only: UPDATE refused';
CREATE TRIGGER security_events_no_delete BEFORE DELETE ON security_events FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'security_events is append-only: DELETE refused';

CREATE TRIGGER backup_recovery_no_update BEFORE UPDATE ON backup_recovery FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'backup_recovery is append-only: UPDATE refused';
CREATE TRIGGER backup_recovery_no_delete BEFORE DELETE ON backup_recovery FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'backup_recovery is append-only: DELETE refused';

CREATE TRIGGER data_access_log_no_update BEFORE UPDATE ON data_access_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'data_access_log is append-only: UPDATE refused';
CREATE TRIGGER data_access_log_no_delete BEFORE DELETE ON data_access_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'data_access_log is append-only: DELETE refused';

CREATE TRIGGER job_execution_audit_no_update BEFORE UPDATE ON job_execution_audit FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'job_execution_audit is append-only: UPDATE refused';
CREATE TRIGGER job_execution_audit_no_delete BEFORE DELETE ON job_execution_audit FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'job_execution_audit is append-only: DELETE refused';

CREATE TRIGGER data_change_audit_no_update BEFORE UPDATE ON data_change_audit FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'data_change_audit is append-only: UPDATE refused';
CREATE TRIGGER data_change_audit_no_delete BEFORE DELETE ON data_change_audit FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'data_change_audit is append-only: DELETE refused';

CREATE TRIGGER bulk_operation_audit_no_update BEFORE UPDATE ON bulk_operation_audit FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'bulk_operation_audit is append-only: UPDATE refused';
CREATE TRIGGER bulk_operation_audit_no_delete BEFORE DELETE ON bulk_operation_audit FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'bulk_operation_audit is append-only: DELETE refused';

CREATE TRIGGER financial_data_changes_no_update BEFORE UPDATE ON financial_data_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'financial_data_changes is append-only: UPDATE refused';
CREATE TRIGGER financial_data_changes_no_delete BEFORE DELETE ON financial_data_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'financial_data_changes is append-only: DELETE refused';

CREATE TRIGGER master_data_changes_no_update BEFORE UPDATE ON master_data_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'master_data_changes is append-only: UPDATE refused';
CREATE TRIGGER master_data_changes_no_delete BEFORE DELETE ON master_data_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'master_data_changes is append-only: DELETE refused';

CREATE TRIGGER price_cost_changes_no_update BEFORE UPDATE ON price_cost_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'price_cost_changes is append-only: UPDATE refused';
CREATE TRIGGER price_cost_changes_no_delete BEFORE DELETE ON price_cost_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'price_cost_changes is append-only: DELETE refused';

CREATE TRIGGER customer_data_changes_no_update BEFORE UPDATE ON customer_data_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'customer_data_changes is append-only: UPDATE refused';
CREATE TRIGGER customer_data_changes_no_delete BEFORE DELETE ON customer_data_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'customer_data_changes is append-only: DELETE refused';

CREATE TRIGGER personnel_data_changes_no_update BEFORE UPDATE ON personnel_data_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'personnel_data_changes is append-only: UPDATE refused';
CREATE TRIGGER personnel_data_changes_no_delete BEFORE DELETE ON personnel_data_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'personnel_data_changes is append-only: DELETE refused';

CREATE TRIGGER supplier_data_changes_no_update BEFORE UPDATE ON supplier_data_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'supplier_data_changes is append-only: UPDATE refused';
CREATE TRIGGER supplier_data_changes_no_delete BEFORE DELETE ON supplier_data_changes FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'supplier_data_changes is append-only: DELETE refused';

CREATE TRIGGER sla_compliance_tracking_no_update BEFORE UPDATE ON sla_compliance_tracking FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sla_compliance_tracking is append-only: UPDATE refused';
CREATE TRIGGER sla_compliance_tracking_no_delete BEFORE DELETE ON sla_compliance_tracking FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sla_compliance_tracking is append-only: DELETE refused';

CREATE TRIGGER gdpr_data_request_log_no_update BEFORE UPDATE ON gdpr_data_request_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'gdpr_data_request_log is append-only: UPDATE refused';
CREATE TRIGGER gdpr_data_request_log_no_delete BEFORE DELETE ON gdpr_data_request_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'gdpr_data_request_log is append-only: DELETE refused';

CREATE TRIGGER legal_hold_tracking_no_update BEFORE UPDATE ON legal_hold_tracking FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'legal_hold_tracking is append-only: UPDATE refused';
CREATE TRIGGER legal_hold_tracking_no_delete BEFORE DELETE ON legal_hold_tracking FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'legal_hold_tracking is append-only: DELETE refused';

CREATE TRIGGER sox_compliance_log_no_update BEFORE UPDATE ON sox_compliance_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sox_compliance_log is append-only: UPDATE refused';
CREATE TRIGGER sox_compliance_log_no_delete BEFORE DELETE ON sox_compliance_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sox_compliance_log is append-only: DELETE refused';

CREATE TRIGGER hipaa_compliance_log_no_update BEFORE UPDATE ON hipaa_compliance_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'hipaa_compliance_log is append-only: UPDATE refused';
CREATE TRIGGER hipaa_compliance_log_no_delete BEFORE DELETE ON hipaa_compliance_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'hipaa_compliance_log is append-only: DELETE refused';

CREATE TRIGGER audit_trail_completeness_no_update BEFORE UPDATE ON audit_trail_completeness FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_trail_completeness is append-only: UPDATE refused';
CREATE TRIGGER audit_trail_completeness_no_delete BEFORE DELETE ON audit_trail_completeness FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_trail_completeness is append-only: DELETE refused';

CREATE TRIGGER audit_report_schedule_no_update BEFORE UPDATE ON audit_report_schedule FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_report_schedule is append-only: UPDATE refused';
CREATE TRIGGER audit_report_schedule_no_delete BEFORE DELETE ON audit_report_schedule FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_report_schedule is append-only: DELETE refused';

CREATE TRIGGER audit_etl_sync_log_no_update BEFORE UPDATE ON audit_etl_sync_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_etl_sync_log is append-only: UPDATE refused';
CREATE TRIGGER audit_etl_sync_log_no_delete BEFORE DELETE ON audit_etl_sync_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_etl_sync_log is append-only: DELETE refused';

CREATE TRIGGER retention_policy_log_no_update BEFORE UPDATE ON retention_policy_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'retention_policy_log is append-only: UPDATE refused';
CREATE TRIGGER retention_policy_log_no_delete BEFORE DELETE ON retention_policy_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'retention_policy_log is append-only: DELETE refused';

CREATE TRIGGER archive_manifest_no_update BEFORE UPDATE ON archive_manifest FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'archive_manifest is append-only: UPDATE refused';
CREATE TRIGGER archive_manifest_no_delete BEFORE DELETE ON archive_manifest FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'archive_manifest is append-only: DELETE refused';

CREATE TRIGGER integrity_verification_log_no_update BEFORE UPDATE ON integrity_verification_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'integrity_verification_log is append-only: UPDATE refused';
CREATE TRIGGER integrity_verification_log_no_delete BEFORE DELETE ON integrity_verification_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'integrity_verification_log is append-only: DELETE refused';
