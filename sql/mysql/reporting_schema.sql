-- genims_reporting_db: the 35 reporting tables and the 2 platform tables (see README.md here).
-- Strict layout, read by genims_assets/sqlfiles.py: one column per line, keys, closing line.
-- Daily/monthly/snapshot tables start with one catch-all partition pmax, split monthly by
-- genims_assets/mysql_partitions.py.

-- machine_performance_daily: one row per machine and day. OEE and reliability.
CREATE TABLE IF NOT EXISTS machine_performance_daily (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    machine_id VARCHAR(50) NOT NULL,
    machine_name VARCHAR(200) NULL,
    machine_type VARCHAR(100) NULL,
    line_id VARCHAR(50) NULL,
    line_name VARCHAR(200) NULL,
    factory_id VARCHAR(50) NULL,
    factory_name VARCHAR(200) NULL,
    planned_production_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'minutes the machine was scheduled to produce (SCADA samples not in planned maintenance)',
    runtime_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'minutes in machine_state running',
    downtime_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'minutes of mes.downtime_events overlapping the day',
    uptime_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'planned_production_minutes - downtime_minutes',
    availability_pct DECIMAL(7,3) NULL COMMENT 'runtime_minutes / planned_production_minutes * 100',
    performance_pct DECIMAL(7,3) NULL COMMENT 'target_cycle_time_seconds * units_produced / (runtime_minutes * 60) * 100',
    quality_pct DECIMAL(7,3) NULL COMMENT 'units_good / units_produced * 100',
    oee_pct DECIMAL(7,3) NULL COMMENT 'availability_pct * performance_pct * quality_pct / 10000',
    units_produced BIGINT NOT NULL DEFAULT 0 COMMENT 'parts produced in the day (increase of the SCADA shift counters)',
    units_good BIGINT NOT NULL DEFAULT 0 COMMENT 'units_produced - units_rejected',
    units_rejected BIGINT NOT NULL DEFAULT 0 COMMENT 'parts rejected in the day (SCADA parts_rejected_shift)',
    scrap_rate_pct DECIMAL(7,3) NULL COMMENT 'units_rejected / units_produced * 100',
    failure_count INT NOT NULL DEFAULT 0 COMMENT 'operational.machine_faults starting in the day',
    fault_repair_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'sum of fault durations of those faults',
    mtbf_hours DECIMAL(12,3) NULL COMMENT 'runtime_minutes / 60 / failure_count, NULL when failure_count = 0',
    mttr_minutes DECIMAL(12,3) NULL COMMENT 'fault_repair_minutes / failure_count, NULL when failure_count = 0',
    energy_kwh DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'increase of SCADA energy_consumed_kwh over the day',
    target_cycle_time_seconds DECIMAL(12,3) NULL COMMENT 'average SCADA target_cycle_time_seconds',
    avg_cycle_time_seconds DECIMAL(12,3) NULL COMMENT 'average SCADA actual_cycle_time_seconds while running',
    scada_samples INT NOT NULL DEFAULT 0 COMMENT 'SCADA readings used (data completeness)',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, machine_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: machine x day. Sources: operational.scada_machine_data, operational.machine_faults, mes.downtime_events, master.machines'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- production_summary_daily: one row per production line and day, shifts as columns
-- (morning = shift_a, afternoon = shift_b, night = shift_c, see README.md).
CREATE TABLE IF NOT EXISTS production_summary_daily (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    line_id VARCHAR(50) NOT NULL,
    line_name VARCHAR(200) NULL,
    factory_id VARCHAR(50) NULL,
    factory_name VARCHAR(200) NULL,
    work_orders_active INT NOT NULL DEFAULT 0 COMMENT 'work orders with an operation on the line in the day',
    work_orders_completed INT NOT NULL DEFAULT 0 COMMENT 'work orders whose actual_end_time falls in the day',
    planned_units BIGINT NOT NULL DEFAULT 0 COMMENT 'planned_quantity of operations scheduled in the day',
    actual_units BIGINT NOT NULL DEFAULT 0 COMMENT 'completed_quantity of operations in the day',
    good_units BIGINT NOT NULL DEFAULT 0 COMMENT 'actual_units - rejected_units',
    rejected_units BIGINT NOT NULL DEFAULT 0 COMMENT 'rejected_quantity of operations in the day',
    scrapped_units BIGINT NOT NULL DEFAULT 0 COMMENT 'scrapped_quantity of work orders completed in the day',
    rework_units BIGINT NOT NULL DEFAULT 0 COMMENT 'rework_quantity of work orders completed in the day',
    plan_attainment_pct DECIMAL(7,3) NULL COMMENT 'actual_units / planned_units * 100',
    yield_pct DECIMAL(7,3) NULL COMMENT 'good_units / actual_units * 100',
    labor_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'actual_hours of mes.labor_transactions on the line',
    standard_labor_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'standard_hours of those labor transactions',
    overtime_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'overtime_hours of those labor transactions',
    setup_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'actual_setup_time_minutes / 60 of operations in the day',
    changeover_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'actual_duration_minutes / 60 of mes.changeover_events in the day',
    changeover_count INT NOT NULL DEFAULT 0 COMMENT 'changeover events started in the day',
    standard_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'good_units * standard_cost_per_unit of their work orders',
    material_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'total_material_cost of the day, prorated by completed quantity',
    labor_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'labor_cost + overtime_cost of mes.labor_transactions',
    overhead_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'total_overhead_cost of the day, prorated by completed quantity',
    actual_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'material_cost + labor_cost + overhead_cost',
    cost_variance DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'actual_cost - standard_cost (positive = over standard)',
    cost_variance_pct DECIMAL(7,3) NULL COMMENT 'cost_variance / standard_cost * 100',
    morning_planned_units BIGINT NOT NULL DEFAULT 0 COMMENT 'planned_units of operations run in the morning shift (shift_a)',
    morning_actual_units BIGINT NOT NULL DEFAULT 0 COMMENT 'actual_units of the morning shift (shift_a)',
    morning_good_units BIGINT NOT NULL DEFAULT 0 COMMENT 'good_units of the morning shift (shift_a)',
    morning_labor_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'labor_hours booked in the morning shift (shift_a)',
    afternoon_planned_units BIGINT NOT NULL DEFAULT 0 COMMENT 'planned_units of operations run in the afternoon shift (shift_b)',
    afternoon_actual_units BIGINT NOT NULL DEFAULT 0 COMMENT 'actual_units of the afternoon shift (shift_b)',
    afternoon_good_units BIGINT NOT NULL DEFAULT 0 COMMENT 'good_units of the afternoon shift (shift_b)',
    afternoon_labor_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'labor_hours booked in the afternoon shift (shift_b)',
    night_planned_units BIGINT NOT NULL DEFAULT 0 COMMENT 'planned_units of operations run in the night shift (shift_c)',
    night_actual_units BIGINT NOT NULL DEFAULT 0 COMMENT 'actual_units of the night shift (shift_c)',
    night_good_units BIGINT NOT NULL DEFAULT 0 COMMENT 'good_units of the night shift (shift_c)',
    night_labor_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'labor_hours booked in the night shift (shift_c)',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, line_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: line x day, shift split as morning/afternoon/night columns. Sources: mes.work_orders, mes.work_order_operations, mes.labor_transactions, mes.changeover_events'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- downtime_summary_daily: one row per machine and day, downtime split by fault category.
CREATE TABLE IF NOT EXISTS downtime_summary_daily (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    machine_id VARCHAR(50) NOT NULL,
    machine_name VARCHAR(200) NULL,
    line_id VARCHAR(50) NULL,
    line_name VARCHAR(200) NULL,
    factory_id VARCHAR(50) NULL,
    factory_name VARCHAR(200) NULL,
    downtime_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'all downtime minutes overlapping the day (sum of the category columns)',
    planned_downtime_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'downtime of planned categories (planned maintenance, changeover)',
    unplanned_downtime_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'downtime_minutes - planned_downtime_minutes',
    mechanical_downtime_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'downtime whose category is mechanical',
    electrical_downtime_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'downtime whose category is electrical',
    hydraulic_downtime_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'downtime whose category is hydraulic',
    pneumatic_downtime_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'downtime whose category is pneumatic',
    control_downtime_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'downtime whose category is control',
    quality_downtime_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'downtime whose category is quality',
    other_downtime_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'downtime of any other or missing category',
    incident_count INT NOT NULL DEFAULT 0 COMMENT 'mes.downtime_events starting in the day',
    fault_count INT NOT NULL DEFAULT 0 COMMENT 'operational.machine_faults starting in the day',
    critical_fault_count INT NOT NULL DEFAULT 0 COMMENT 'of those, fault_severity = critical',
    runtime_minutes DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'minutes running in the day (denominator of MTBF)',
    mtbf_hours DECIMAL(12,3) NULL COMMENT 'runtime_minutes / 60 / incident_count, NULL when incident_count = 0',
    mttr_minutes DECIMAL(12,3) NULL COMMENT 'average duration of downtime events resolved in the day, NULL when none',
    production_loss_units BIGINT NOT NULL DEFAULT 0 COMMENT 'production_loss_units of the downtime events',
    downtime_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'estimated_cost of the downtime events',
    top_failure_code VARCHAR(50) NULL COMMENT 'failure or reason code with the most downtime minutes in the day',
    top_failure_codes JSON NULL COMMENT 'up to 5 codes by minutes: [{code, description, events, minutes}]',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, machine_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: machine x day. Sources: mes.downtime_events, operational.machine_faults'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- quality_summary_daily: one row per product, factory and day.
CREATE TABLE IF NOT EXISTS quality_summary_daily (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    product_id VARCHAR(50) NOT NULL,
    factory_id VARCHAR(50) NOT NULL COMMENT 'factory of the work order inspected',
    product_name VARCHAR(200) NULL,
    product_category VARCHAR(100) NULL,
    factory_name VARCHAR(200) NULL,
    inspections_count INT NOT NULL DEFAULT 0 COMMENT 'mes.quality_inspections in the day',
    inspections_failed INT NOT NULL DEFAULT 0 COMMENT 'inspections whose inspection_result is not a pass',
    units_inspected BIGINT NOT NULL DEFAULT 0 COMMENT 'sample_size of the inspections',
    sample_defects BIGINT NOT NULL DEFAULT 0 COMMENT 'defective units found in those samples (defects_found of the inspections)',
    units_defective BIGINT NOT NULL DEFAULT 0 COMMENT 'quantity_affected of mes.defects detected in the day (all defective units recorded, in samples or not)',
    defect_rate_pct DECIMAL(7,3) NULL COMMENT 'sample_defects / units_inspected * 100 (the sampled defect rate)',
    defect_ppm DECIMAL(18,3) NULL COMMENT 'sample_defects / units_inspected * 1000000',
    critical_defects INT NOT NULL DEFAULT 0 COMMENT 'defects with defect_severity = critical',
    major_defects INT NOT NULL DEFAULT 0 COMMENT 'defects with defect_severity = major',
    minor_defects INT NOT NULL DEFAULT 0 COMMENT 'defects with defect_severity = minor',
    rework_units BIGINT NOT NULL DEFAULT 0 COMMENT 'defective units dispositioned to rework',
    scrap_units BIGINT NOT NULL DEFAULT 0 COMMENT 'defective units dispositioned to scrap',
    ncr_count INT NOT NULL DEFAULT 0 COMMENT 'qms.ncr_headers detected in the day',
    rework_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'rework_cost of mes.defects and qms.ncr_headers',
    scrap_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'scrap_cost of mes.defects and qms.ncr_headers',
    sorting_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'sorting_cost of qms.ncr_headers',
    cost_of_poor_quality DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'rework_cost + scrap_cost + sorting_cost',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, product_id, factory_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: product x factory x day. Sources: mes.quality_inspections, mes.defects, qms.ncr_headers'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- labor_efficiency_daily: one row per factory and day, shifts as columns (see README.md).
CREATE TABLE IF NOT EXISTS labor_efficiency_daily (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    factory_id VARCHAR(50) NOT NULL,
    factory_name VARCHAR(200) NULL,
    employees_scheduled INT NOT NULL DEFAULT 0 COMMENT 'employees with an attendance record in the day',
    employees_present INT NOT NULL DEFAULT 0 COMMENT 'of those, attended (actual_hours > 0)',
    attendance_pct DECIMAL(7,3) NULL COMMENT 'employees_present / employees_scheduled * 100',
    late_arrivals INT NOT NULL DEFAULT 0 COMMENT 'attendance records with late_minutes > 0',
    scheduled_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'scheduled_hours of hcm.attendance_records',
    worked_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'actual_hours of hcm.attendance_records',
    regular_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'regular_hours of hcm.attendance_records',
    overtime_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'overtime_hours of hcm.attendance_records',
    overtime_pct DECIMAL(7,3) NULL COMMENT 'overtime_hours / worked_hours * 100',
    direct_labor_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'actual_hours of mes.labor_transactions',
    standard_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'standard_hours (earned hours) of mes.labor_transactions',
    units_produced BIGINT NOT NULL DEFAULT 0 COMMENT 'quantity_produced of mes.labor_transactions',
    units_per_labor_hour DECIMAL(12,4) NULL COMMENT 'units_produced / direct_labor_hours',
    efficiency_pct DECIMAL(7,3) NULL COMMENT 'standard_hours / direct_labor_hours * 100',
    utilization_pct DECIMAL(7,3) NULL COMMENT 'direct_labor_hours / worked_hours * 100',
    labor_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'labor_cost of mes.labor_transactions',
    overtime_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'overtime_cost of mes.labor_transactions',
    morning_scheduled_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'scheduled_hours of the morning shift (shift_a)',
    morning_worked_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'worked_hours of the morning shift (shift_a)',
    morning_overtime_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'overtime_hours of the morning shift (shift_a)',
    morning_units_produced BIGINT NOT NULL DEFAULT 0 COMMENT 'units_produced in the morning shift (shift_a)',
    morning_efficiency_pct DECIMAL(7,3) NULL COMMENT 'efficiency_pct of the morning shift (shift_a)',
    afternoon_scheduled_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'scheduled_hours of the afternoon shift (shift_b)',
    afternoon_worked_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'worked_hours of the afternoon shift (shift_b)',
    afternoon_overtime_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'overtime_hours of the afternoon shift (shift_b)',
    afternoon_units_produced BIGINT NOT NULL DEFAULT 0 COMMENT 'units_produced in the afternoon shift (shift_b)',
    afternoon_efficiency_pct DECIMAL(7,3) NULL COMMENT 'efficiency_pct of the afternoon shift (shift_b)',
    night_scheduled_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'scheduled_hours of the night shift (shift_c)',
    night_worked_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'worked_hours of the night shift (shift_c)',
    night_overtime_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'overtime_hours of the night shift (shift_c)',
    night_units_produced BIGINT NOT NULL DEFAULT 0 COMMENT 'units_produced in the night shift (shift_c)',
    night_efficiency_pct DECIMAL(7,3) NULL COMMENT 'efficiency_pct of the night shift (shift_c)',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, factory_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: factory x day, shift split as morning/afternoon/night columns. Sources: mes.labor_transactions, hcm.attendance_records'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- energy_consumption_daily: one row per production line and day.
CREATE TABLE IF NOT EXISTS energy_consumption_daily (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    line_id VARCHAR(50) NOT NULL,
    line_name VARCHAR(200) NULL,
    factory_id VARCHAR(50) NULL,
    factory_name VARCHAR(200) NULL,
    machines_reporting INT NOT NULL DEFAULT 0 COMMENT 'machines of the line with SCADA readings in the day',
    energy_kwh DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'sum over machines of the increase of energy_consumed_kwh in the day',
    non_productive_kwh DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'energy_kwh consumed while machine_state is not running',
    peak_kw DECIMAL(12,3) NULL COMMENT 'highest line power: max over sample times of the sum of power_consumption_kw',
    average_kw DECIMAL(12,3) NULL COMMENT 'energy_kwh / hours covered by readings',
    units_produced BIGINT NOT NULL DEFAULT 0 COMMENT 'parts produced on the line in the day',
    kwh_per_unit DECIMAL(12,4) NULL COMMENT 'energy_kwh / units_produced, NULL when no units',
    tariff_per_kwh DECIMAL(12,5) NULL COMMENT 'energy tariff applied (settings), currency per kWh',
    energy_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'energy_kwh * tariff_per_kwh',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, line_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: line x day. Source: operational.scada_machine_data'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- safety_compliance_daily: one row per factory and day. LTIFR per 1,000,000 hours,
-- TRIR per 200,000 hours (OSHA basis).
CREATE TABLE IF NOT EXISTS safety_compliance_daily (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    factory_id VARCHAR(50) NOT NULL,
    factory_name VARCHAR(200) NULL,
    incident_count INT NOT NULL DEFAULT 0 COMMENT 'hcm.safety_incidents on the day (all types)',
    near_miss_count INT NOT NULL DEFAULT 0 COMMENT 'incidents with incident_type = near_miss',
    minor_incidents INT NOT NULL DEFAULT 0 COMMENT 'incidents with severity = minor',
    moderate_incidents INT NOT NULL DEFAULT 0 COMMENT 'incidents with severity = moderate',
    serious_incidents INT NOT NULL DEFAULT 0 COMMENT 'incidents with severity = serious',
    fatal_incidents INT NOT NULL DEFAULT 0 COMMENT 'incidents with severity = fatal',
    lost_time_incidents INT NOT NULL DEFAULT 0 COMMENT 'incidents with days_away_from_work > 0',
    recordable_incidents INT NOT NULL DEFAULT 0 COMMENT 'incidents with osha_recordable = true',
    days_away_from_work INT NOT NULL DEFAULT 0 COMMENT 'days_away_from_work of the incidents',
    hours_worked DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'actual_hours of hcm.attendance_records (exposure hours)',
    ltifr DECIMAL(12,4) NULL COMMENT 'lost_time_incidents * 1000000 / hours_worked, NULL when no hours',
    trir DECIMAL(12,4) NULL COMMENT 'recordable_incidents * 200000 / hours_worked, NULL when no hours',
    ltifr_rolling_12m DECIMAL(12,4) NULL COMMENT 'LTIFR over the 365 days ending report_date',
    trir_rolling_12m DECIMAL(12,4) NULL COMMENT 'TRIR over the 365 days ending report_date',
    days_since_lost_time_incident INT NULL COMMENT 'days since the last lost-time incident, NULL if none on record',
    training_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'attendance_hours of hcm.training_enrollments attended on the day',
    training_completions INT NOT NULL DEFAULT 0 COMMENT 'enrollments completed on the day',
    employees_trained INT NOT NULL DEFAULT 0 COMMENT 'distinct employees who attended training on the day',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, factory_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: factory x day. Sources: hcm.safety_incidents, hcm.training_enrollments, hcm.attendance_records (hours)'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- maintenance_performance_daily: one row per maintenance asset and day.
CREATE TABLE IF NOT EXISTS maintenance_performance_daily (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    asset_id VARCHAR(50) NOT NULL COMMENT 'cmms.maintenance_assets.asset_id',
    asset_name VARCHAR(200) NULL,
    asset_type VARCHAR(50) NULL,
    criticality_rating VARCHAR(20) NULL,
    machine_id VARCHAR(50) NULL,
    line_id VARCHAR(50) NULL,
    factory_id VARCHAR(50) NULL,
    factory_name VARCHAR(200) NULL,
    pm_due_count INT NOT NULL DEFAULT 0 COMMENT 'PM work orders due (scheduled_end_date) on the day',
    pm_completed_on_time INT NOT NULL DEFAULT 0 COMMENT 'of those, completed by their due date',
    pm_compliance_pct DECIMAL(7,3) NULL COMMENT 'pm_completed_on_time / pm_due_count * 100',
    work_orders_created INT NOT NULL DEFAULT 0 COMMENT 'cmms.work_orders requested on the day',
    work_orders_completed INT NOT NULL DEFAULT 0 COMMENT 'cmms.work_orders completed on the day',
    preventive_work_orders INT NOT NULL DEFAULT 0 COMMENT 'created work orders from PM schedules or of preventive type',
    corrective_work_orders INT NOT NULL DEFAULT 0 COMMENT 'created work orders from breakdowns or of corrective type',
    predictive_work_orders INT NOT NULL DEFAULT 0 COMMENT 'created work orders from predictive sources',
    preventive_share_pct DECIMAL(7,3) NULL COMMENT 'preventive_work_orders / (preventive_work_orders + corrective_work_orders) * 100',
    backlog_work_orders INT NOT NULL DEFAULT 0 COMMENT 'work orders open at the end of the day',
    backlog_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'estimated_duration_hours of the backlog work orders',
    labor_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'cmms.maintenance_costs of cost_type labor on the day',
    parts_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'cmms.maintenance_costs of cost_type parts on the day',
    other_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'contractor, rental and other maintenance costs on the day',
    maintenance_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'labor_cost + parts_cost + other_cost',
    downtime_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'downtime_hours of cmms.maintenance_history on the day',
    failure_count INT NOT NULL DEFAULT 0 COMMENT 'breakdown events (maintenance_history with a failure code) on the day',
    operating_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'hours the asset was in service on the day (denominator of MTBF)',
    mtbf_hours DECIMAL(12,3) NULL COMMENT 'operating_hours / failure_count, NULL when failure_count = 0',
    mttr_hours DECIMAL(12,3) NULL COMMENT 'actual_duration_hours of corrective work orders completed / their count, NULL when none',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, asset_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: asset x day. Sources: cmms.work_orders, cmms.pm_schedules, cmms.maintenance_history, cmms.maintenance_costs'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- sales_order_summary: one row per customer, sales rep and order day.
CREATE TABLE IF NOT EXISTS sales_order_summary (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    customer_id VARCHAR(50) NOT NULL,
    sales_rep_id VARCHAR(50) NOT NULL COMMENT 'account owner in crm.accounts, UNASSIGNED when the source leaves it empty',
    customer_name VARCHAR(200) NULL,
    customer_type VARCHAR(50) NULL,
    sales_rep_name VARCHAR(200) NULL,
    territory_id VARCHAR(50) NULL,
    order_count INT NOT NULL DEFAULT 0 COMMENT 'sales orders with order_date on the day',
    order_line_count INT NOT NULL DEFAULT 0 COMMENT 'lines of those orders',
    units_ordered DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'order_quantity of the lines',
    revenue DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'net_price of the lines (net of discount, excluding tax)',
    average_order_value DECIMAL(18,2) NULL COMMENT 'revenue / order_count',
    cogs_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'order_quantity * material standard_cost of the lines',
    margin_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'revenue - cogs_amount',
    margin_pct DECIMAL(7,3) NULL COMMENT 'margin_amount / revenue * 100',
    deliveries_count INT NOT NULL DEFAULT 0 COMMENT 'tms.deliveries of these orders delivered so far',
    on_time_deliveries INT NOT NULL DEFAULT 0 COMMENT 'deliveries with actual_delivery_date <= scheduled_delivery_date',
    on_time_delivery_pct DECIMAL(7,3) NULL COMMENT 'on_time_deliveries / deliveries_count * 100',
    accepted_deliveries INT NOT NULL DEFAULT 0 COMMENT 'deliveries whose proof of delivery reports packages in good condition',
    quality_acceptance_pct DECIMAL(7,3) NULL COMMENT 'accepted_deliveries / deliveries_count * 100',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, customer_id, sales_rep_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: customer x sales rep x day. Sources: erp.sales_orders, erp.sales_order_lines, tms.deliveries, crm.accounts (rep)'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- customer_performance: one row per customer, factory and product category for a fiscal year,
-- year to date as of snapshot_date (rewritten daily, earlier years keep their final figures). Not partitioned.
CREATE TABLE IF NOT EXISTS customer_performance (
    snapshot_date DATE NOT NULL COMMENT 'day the year-to-date figures run to (UTC)',
    fiscal_year SMALLINT NOT NULL COMMENT 'year the YTD figures cover',
    customer_id VARCHAR(50) NOT NULL,
    factory_id VARCHAR(50) NOT NULL COMMENT 'plant of the order lines, UNASSIGNED when the source leaves it empty',
    product_category VARCHAR(100) NOT NULL COMMENT 'master.products.product_category, UNASSIGNED when the source leaves it empty',
    customer_name VARCHAR(200) NULL,
    customer_type VARCHAR(50) NULL,
    factory_name VARCHAR(200) NULL,
    ytd_sales_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'net_price of order lines from the start of fiscal_year to snapshot_date',
    ytd_order_count INT NOT NULL DEFAULT 0 COMMENT 'distinct sales orders in the period',
    ytd_units DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'order_quantity in the period',
    average_order_value DECIMAL(18,2) NULL COMMENT 'ytd_sales_amount / ytd_order_count',
    last_order_date DATE NULL COMMENT 'latest order_date of the customer in the period',
    average_payment_days DECIMAL(12,3) NULL COMMENT 'average days from invoice to payment of paid receivables in the period',
    payment_reliability_pct DECIMAL(7,3) NULL COMMENT 'receivables paid by their due date / receivables paid * 100',
    churn_risk VARCHAR(20) NULL COMMENT 'low, medium or high (crm.accounts.churn_risk, else derived from order recency)',
    churn_risk_score DECIMAL(7,3) NULL COMMENT '0-100, higher = more likely to churn',
    survey_responses INT NOT NULL DEFAULT 0 COMMENT 'service.survey_responses with an NPS answer in the period',
    nps_score DECIMAL(7,3) NULL COMMENT '% promoters (9-10) - % detractors (0-6), -100 to 100',
    ytd_returns_count INT NOT NULL DEFAULT 0 COMMENT 'service.rma_requests created in the period',
    ytd_units_returned DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'quantity_returned of their line items',
    return_rate_pct DECIMAL(7,3) NULL COMMENT 'ytd_units_returned / ytd_units * 100',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (fiscal_year, customer_id, factory_id, product_category)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: customer x factory x product category, year to date (as of snapshot_date). Sources: erp.sales_orders, erp.sales_order_lines, service.rma_requests, service.survey_responses';

-- product_sales_performance: one row per product and month.
CREATE TABLE IF NOT EXISTS product_sales_performance (
    report_month DATE NOT NULL COMMENT 'first day of the month (UTC)',
    product_id VARCHAR(50) NOT NULL,
    product_name VARCHAR(200) NULL,
    product_category VARCHAR(100) NULL,
    order_count INT NOT NULL DEFAULT 0 COMMENT 'sales orders with a line of the product in the month',
    customer_count INT NOT NULL DEFAULT 0 COMMENT 'distinct customers who ordered it',
    units_sold DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'order_quantity of the lines',
    revenue DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'net_price of the lines',
    cogs_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'units_sold * material standard_cost',
    gross_margin_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'revenue - cogs_amount',
    gross_margin_pct DECIMAL(7,3) NULL COMMENT 'gross_margin_amount / revenue * 100',
    average_selling_price DECIMAL(18,4) NULL COMMENT 'revenue / units_sold',
    revenue_prior_month DECIMAL(18,2) NULL COMMENT 'revenue of the previous month',
    units_prior_month DECIMAL(18,3) NULL COMMENT 'units_sold of the previous month',
    revenue_growth_mom_pct DECIMAL(7,3) NULL COMMENT '(revenue - revenue_prior_month) / revenue_prior_month * 100',
    units_growth_mom_pct DECIMAL(7,3) NULL COMMENT '(units_sold - units_prior_month) / units_prior_month * 100',
    forecast_revenue DECIMAL(18,2) NULL COMMENT 'forecast allocated to the product for the month, NULL when none',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_month, product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: product x month. Sources: erp.sales_order_lines, crm.sales_forecasts'
PARTITION BY RANGE COLUMNS(report_month) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- delivery_performance: one row per shipping factory and day.
CREATE TABLE IF NOT EXISTS delivery_performance (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    factory_id VARCHAR(50) NOT NULL,
    factory_name VARCHAR(200) NULL,
    shipments_count INT NOT NULL DEFAULT 0 COMMENT 'tms.shipments shipped on the day',
    deliveries_count INT NOT NULL DEFAULT 0 COMMENT 'tms.deliveries with actual_delivery_date on the day',
    on_time_deliveries INT NOT NULL DEFAULT 0 COMMENT 'actual_delivery_date = scheduled_delivery_date',
    early_deliveries INT NOT NULL DEFAULT 0 COMMENT 'actual_delivery_date < scheduled_delivery_date',
    late_deliveries INT NOT NULL DEFAULT 0 COMMENT 'actual_delivery_date > scheduled_delivery_date',
    failed_deliveries INT NOT NULL DEFAULT 0 COMMENT 'delivery attempts that failed on the day',
    on_time_delivery_pct DECIMAL(7,3) NULL COMMENT '(on_time_deliveries + early_deliveries) / deliveries_count * 100',
    average_delay_days DECIMAL(12,3) NULL COMMENT 'average days late of late_deliveries, NULL when none',
    delivery_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'total_cost of the shipments delivered on the day',
    cost_per_delivery DECIMAL(18,2) NULL COMMENT 'delivery_cost / deliveries_count',
    pod_count INT NOT NULL DEFAULT 0 COMMENT 'deliveries with a proof of delivery',
    damaged_deliveries INT NOT NULL DEFAULT 0 COMMENT 'proofs of delivery with packages_condition damaged or missing',
    damage_rate_pct DECIMAL(7,3) NULL COMMENT 'damaged_deliveries / pod_count * 100',
    carriers_used INT NOT NULL DEFAULT 0 COMMENT 'distinct carriers of the deliveries',
    carrier_on_time_pct DECIMAL(7,3) NULL COMMENT 'shipments delivered by the carrier estimated_delivery_date / shipments delivered * 100',
    carrier_breakdown JSON NULL COMMENT 'per carrier: [{carrier_id, carrier_name, deliveries, on_time_pct}]',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, factory_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: factory x day (factory of the origin warehouse). Sources: tms.shipments, tms.deliveries, tms.proof_of_delivery'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- sales_pipeline_summary: one row per sales rep, territory and day (pipeline as of the end of the day).
CREATE TABLE IF NOT EXISTS sales_pipeline_summary (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    sales_rep_id VARCHAR(50) NOT NULL,
    territory_id VARCHAR(50) NOT NULL COMMENT 'territory of the rep, UNASSIGNED when the source leaves it empty',
    sales_rep_name VARCHAR(200) NULL,
    territory_name VARCHAR(200) NULL,
    open_opportunities INT NOT NULL DEFAULT 0 COMMENT 'opportunities not closed at the end of the day',
    open_pipeline_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'amount of the open opportunities',
    weighted_pipeline_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'sum of amount * probability_pct / 100 of the open opportunities',
    prospecting_pipeline_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open amount in stage prospecting',
    qualification_pipeline_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open amount in stage qualification',
    needs_analysis_pipeline_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open amount in stage needs_analysis',
    proposal_pipeline_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open amount in stage proposal',
    negotiation_pipeline_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open amount in stage negotiation',
    other_stage_pipeline_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open amount in any other stage',
    pipeline_by_stage JSON NULL COMMENT 'every stage as found: {stage: {count, amount, weighted_amount}}',
    opportunities_won INT NOT NULL DEFAULT 0 COMMENT 'opportunities closed won on the day',
    opportunities_lost INT NOT NULL DEFAULT 0 COMMENT 'opportunities closed lost on the day',
    won_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'amount of opportunities won on the day',
    lost_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'amount of opportunities lost on the day',
    win_rate_pct DECIMAL(7,3) NULL COMMENT 'opportunities_won / (opportunities_won + opportunities_lost) * 100 (day)',
    win_rate_rolling_90d_pct DECIMAL(7,3) NULL COMMENT 'win rate over the 90 days ending report_date',
    avg_conversion_days DECIMAL(12,3) NULL COMMENT 'average days from creation to close of opportunities won on the day',
    quotations_issued INT NOT NULL DEFAULT 0 COMMENT 'crm.quotations dated on the day',
    quotations_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'total_amount of those quotations',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, sales_rep_id, territory_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: sales rep x territory x day. Sources: crm.opportunities, crm.opportunity_stage_history, crm.quotations'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- customer_service_summary: one row per customer and day.
CREATE TABLE IF NOT EXISTS customer_service_summary (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    customer_id VARCHAR(50) NOT NULL,
    customer_name VARCHAR(200) NULL,
    account_id VARCHAR(50) NULL COMMENT 'crm.accounts.account_id',
    tickets_opened INT NOT NULL DEFAULT 0 COMMENT 'service tickets created on the day',
    tickets_closed INT NOT NULL DEFAULT 0 COMMENT 'service tickets closed on the day',
    open_tickets INT NOT NULL DEFAULT 0 COMMENT 'tickets open at the end of the day (backlog)',
    critical_tickets INT NOT NULL DEFAULT 0 COMMENT 'tickets opened on the day with priority critical or urgent',
    response_sla_met INT NOT NULL DEFAULT 0 COMMENT 'tickets first responded on the day within response_due_datetime',
    response_sla_met_pct DECIMAL(7,3) NULL COMMENT 'response_sla_met / tickets first responded on the day * 100',
    resolution_sla_met INT NOT NULL DEFAULT 0 COMMENT 'tickets closed on the day without resolution_sla_breached',
    sla_met_pct DECIMAL(7,3) NULL COMMENT 'resolution_sla_met / tickets_closed * 100',
    mean_time_to_resolve_hours DECIMAL(12,3) NULL COMMENT 'average resolution_time_minutes / 60 of tickets closed on the day',
    mean_first_response_minutes DECIMAL(12,3) NULL COMMENT 'average first_response_time_minutes of tickets first responded on the day',
    escalations INT NOT NULL DEFAULT 0 COMMENT 'service.ticket_escalations on the day',
    reopened_tickets INT NOT NULL DEFAULT 0 COMMENT 'tickets reopened on the day',
    avg_csat_rating DECIMAL(5,2) NULL COMMENT 'average csat_rating (1-5) of tickets closed on the day',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, customer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: customer x day (service account mapped to master customer). Sources: service.service_tickets, service.ticket_escalations, service.sla_definitions'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- returns_warranty_summary: one row per product and day.
CREATE TABLE IF NOT EXISTS returns_warranty_summary (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    product_id VARCHAR(50) NOT NULL,
    product_name VARCHAR(200) NULL,
    product_category VARCHAR(100) NULL,
    rma_count INT NOT NULL DEFAULT 0 COMMENT 'service.rma_requests created on the day',
    return_orders_count INT NOT NULL DEFAULT 0 COMMENT 'tms.return_orders created on the day',
    units_returned DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'quantity_returned of the RMA line items',
    units_sold DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'order_quantity of sales order lines ordered on the day',
    return_rate_pct DECIMAL(7,3) NULL COMMENT 'units_returned / units_sold * 100 (day)',
    return_rate_rolling_90d_pct DECIMAL(7,3) NULL COMMENT 'units returned / units sold over the 90 days ending report_date * 100',
    warranty_claims_count INT NOT NULL DEFAULT 0 COMMENT 'service.warranty_claims with claim_date on the day',
    warranty_claims_approved INT NOT NULL DEFAULT 0 COMMENT 'of those, approved',
    claim_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'total_claim_amount of the claims',
    warranty_covered_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'warranty_coverage of the claims',
    refund_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'refund_amount of RMAs and return orders',
    top_return_reason VARCHAR(50) NULL COMMENT 'most frequent return_reason of the day',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: product x day. Sources: service.rma_requests (+ rma_line_items), service.warranty_claims, tms.return_orders, erp.sales_order_lines (units sold)'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- profit_and_loss_daily: one row per factory, department and posting day.
CREATE TABLE IF NOT EXISTS profit_and_loss_daily (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    factory_id VARCHAR(50) NOT NULL COMMENT 'UNASSIGNED when the source leaves it empty',
    department_id VARCHAR(50) NOT NULL COMMENT 'UNASSIGNED when the source leaves it empty',
    factory_name VARCHAR(200) NULL,
    department_name VARCHAR(200) NULL,
    revenue DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'credits - debits on revenue accounts',
    cogs_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'debits - credits on cost of goods sold accounts',
    gross_margin_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'revenue - cogs_amount',
    gross_margin_pct DECIMAL(7,3) NULL COMMENT 'gross_margin_amount / revenue * 100',
    operating_expenses DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'debits - credits on operating expense accounts',
    operating_income DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'gross_margin_amount - operating_expenses',
    other_income DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'other income - other expense (non-operating accounts)',
    tax_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'debits - credits on income tax accounts',
    net_income DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'operating_income + other_income - tax_amount',
    budget_net_income DECIMAL(18,2) NULL COMMENT 'period budget prorated to the day, NULL without a budget',
    variance_from_budget DECIMAL(18,2) NULL COMMENT 'net_income - budget_net_income',
    variance_from_budget_pct DECIMAL(7,3) NULL COMMENT 'variance_from_budget / ABS(budget_net_income) * 100',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, factory_id, department_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: factory x department x day (posting date). Sources: erp.general_ledger, erp.journal_entry_lines, erp.chart_of_accounts, erp.account_balances (budget)'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- cost_analysis_daily: one row per product, factory and day.
CREATE TABLE IF NOT EXISTS cost_analysis_daily (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    product_id VARCHAR(50) NOT NULL,
    factory_id VARCHAR(50) NOT NULL,
    product_name VARCHAR(200) NULL,
    factory_name VARCHAR(200) NULL,
    work_orders_count INT NOT NULL DEFAULT 0 COMMENT 'mes.work_orders completed on the day',
    units_produced BIGINT NOT NULL DEFAULT 0 COMMENT 'good_quantity of those work orders',
    material_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'total_material_cost',
    labor_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'total_labor_cost',
    overhead_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'total_overhead_cost',
    actual_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'material_cost + labor_cost + overhead_cost',
    standard_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'units_produced * standard_cost_per_unit',
    cost_variance DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'actual_cost - standard_cost (positive = over standard)',
    cost_variance_pct DECIMAL(7,3) NULL COMMENT 'cost_variance / standard_cost * 100',
    actual_cost_per_unit DECIMAL(18,4) NULL COMMENT 'actual_cost / units_produced',
    standard_cost_per_unit DECIMAL(18,4) NULL COMMENT 'standard_cost / units_produced',
    cost_per_unit_7d_avg DECIMAL(18,4) NULL COMMENT 'actual cost per unit over the 7 days before report_date',
    cost_trend VARCHAR(10) NULL COMMENT 'up, down or stable: actual_cost_per_unit vs cost_per_unit_7d_avg, stable within 2 percent',
    erp_planned_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'planned_costs of the linked erp.production_orders',
    erp_actual_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'actual_costs of the linked erp.production_orders',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, product_id, factory_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: product x factory x day. Sources: mes.work_orders, erp.production_orders'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- cash_flow_daily: one row per factory and day.
CREATE TABLE IF NOT EXISTS cash_flow_daily (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    factory_id VARCHAR(50) NOT NULL COMMENT 'UNASSIGNED when the source leaves it empty',
    factory_name VARCHAR(200) NULL,
    customer_receipts DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'debits to cash accounts cleared against receivables',
    other_inflows DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'other debits to cash accounts',
    cash_inflows DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'customer_receipts + other_inflows',
    supplier_payments DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'paid_amount of supplier.supplier_invoices paid on the day',
    other_outflows DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'other credits to cash accounts',
    cash_outflows DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'supplier_payments + other_outflows',
    net_cash_flow DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'cash_inflows - cash_outflows',
    closing_cash_balance DECIMAL(18,2) NULL COMMENT 'balance of cash accounts at the end of the day',
    receivables_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open receivables at the end of the day',
    payables_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open payables at the end of the day',
    dso_days DECIMAL(12,3) NULL COMMENT 'receivables_amount / (revenue of the last 90 days / 90)',
    dpo_days DECIMAL(12,3) NULL COMMENT 'payables_amount / (purchases of the last 90 days / 90)',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, factory_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: factory x day. Sources: erp.general_ledger, supplier.supplier_invoices'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- budget_vs_actual: one row per factory, cost center and month.
CREATE TABLE IF NOT EXISTS budget_vs_actual (
    report_month DATE NOT NULL COMMENT 'first day of the month (UTC)',
    factory_id VARCHAR(50) NOT NULL COMMENT 'plant of the cost center, UNASSIGNED when the source leaves it empty',
    cost_center_id VARCHAR(50) NOT NULL,
    factory_name VARCHAR(200) NULL,
    cost_center_name VARCHAR(200) NULL,
    cost_center_category VARCHAR(50) NULL,
    fiscal_year SMALLINT NOT NULL,
    fiscal_period TINYINT NOT NULL COMMENT '1-12',
    budget_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'budget_lines.period_NN of the month',
    actual_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'period_debit - period_credit of account_balances',
    variance_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'actual_amount - budget_amount (positive = over budget)',
    variance_pct DECIMAL(7,3) NULL COMMENT 'variance_amount / budget_amount * 100',
    ytd_budget_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'budget from period 1 to this month',
    ytd_actual_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'actual from period 1 to this month',
    ytd_variance_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'ytd_actual_amount - ytd_budget_amount',
    ytd_variance_pct DECIMAL(7,3) NULL COMMENT 'ytd_variance_amount / ytd_budget_amount * 100',
    trend_status VARCHAR(20) NULL COMMENT 'on_track (ABS(ytd_variance_pct) <= 5), over_budget or under_budget',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_month, factory_id, cost_center_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: factory x cost center x month. Sources: erp.budget_lines, erp.account_balances'
PARTITION BY RANGE COLUMNS(report_month) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- capex_tracking: one row per capital asset and month.
CREATE TABLE IF NOT EXISTS capex_tracking (
    report_month DATE NOT NULL COMMENT 'first day of the month (UTC)',
    asset_id VARCHAR(50) NOT NULL COMMENT 'cmms.maintenance_assets.asset_id',
    asset_name VARCHAR(200) NULL,
    asset_type VARCHAR(50) NULL,
    asset_category VARCHAR(50) NULL,
    machine_id VARCHAR(50) NULL,
    factory_id VARCHAR(50) NULL,
    factory_name VARCHAR(200) NULL,
    budgeted_capex_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'capital budget of the asset for the month',
    actual_capex_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'capitalised spend posted to the asset in the month',
    capex_variance_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'actual_capex_amount - budgeted_capex_amount',
    ytd_budgeted_capex_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'budgeted capex from the start of the fiscal year',
    ytd_actual_capex_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'actual capex from the start of the fiscal year',
    acquisition_cost DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'purchase_cost of the asset plus capitalised spend to date',
    depreciation_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'depreciation of the month (straight line over expected_life_years)',
    accumulated_depreciation_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'depreciation from installation to the end of the month',
    book_value_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'acquisition_cost - accumulated_depreciation_amount',
    useful_life_years SMALLINT NULL COMMENT 'expected_life_years of the asset',
    remaining_life_years DECIMAL(7,2) NULL COMMENT 'useful_life_years - age at the end of the month',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_month, asset_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: asset x month. Sources: cmms.maintenance_assets, erp.general_ledger'
PARTITION BY RANGE COLUMNS(report_month) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- financial_ratios: one row per factory and day; flows over the 30 days ending report_date,
-- balances at the end of the day.
CREATE TABLE IF NOT EXISTS financial_ratios (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    factory_id VARCHAR(50) NOT NULL COMMENT 'UNASSIGNED when the source leaves it empty',
    factory_name VARCHAR(200) NULL,
    revenue_30d DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'revenue of the 30 days ending report_date',
    cogs_30d DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'cogs_amount of the 30 days ending report_date',
    operating_income_30d DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'operating_income of the 30 days ending report_date',
    net_income_30d DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'net_income of the 30 days ending report_date',
    current_assets_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'cash + receivables + inventory at the end of the day',
    current_liabilities_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'payables + other current liabilities at the end of the day',
    inventory_value DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'inventory value at the end of the day',
    receivables_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open receivables at the end of the day',
    gross_margin_pct DECIMAL(7,3) NULL COMMENT '(revenue_30d - cogs_30d) / revenue_30d * 100',
    operating_margin_pct DECIMAL(7,3) NULL COMMENT 'operating_income_30d / revenue_30d * 100',
    net_margin_pct DECIMAL(7,3) NULL COMMENT 'net_income_30d / revenue_30d * 100',
    current_ratio DECIMAL(12,4) NULL COMMENT 'current_assets_amount / current_liabilities_amount',
    quick_ratio DECIMAL(12,4) NULL COMMENT '(current_assets_amount - inventory_value) / current_liabilities_amount',
    inventory_turnover DECIMAL(12,4) NULL COMMENT 'cogs_30d * 365 / 30 / average inventory_value of the 30 days (annualised)',
    receivables_turnover DECIMAL(12,4) NULL COMMENT 'revenue_30d * 365 / 30 / average receivables_amount of the 30 days (annualised)',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, factory_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: factory x day. Derived from profit_and_loss_daily, cash_flow_daily, inventory_value_summary, accounts_receivable_aging, accounts_payable_aging'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- accounts_receivable_aging: one row per customer and day, open receivables by age
-- (age = report_date - invoice date).
CREATE TABLE IF NOT EXISTS accounts_receivable_aging (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    customer_id VARCHAR(50) NOT NULL,
    customer_name VARCHAR(200) NULL,
    customer_type VARCHAR(50) NULL,
    open_items_count INT NOT NULL DEFAULT 0 COMMENT 'open receivable items at the end of the day',
    aging_0_30_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open receivables 0-30 days old',
    aging_31_60_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open receivables 31-60 days old',
    aging_61_90_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open receivables 61-90 days old',
    aging_over_90_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open receivables more than 90 days old',
    total_receivable_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'sum of the four aging buckets',
    overdue_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open receivables past their due date',
    credit_limit_amount DECIMAL(18,2) NULL COMMENT 'credit limit of the customer',
    oldest_open_days INT NULL COMMENT 'age in days of the oldest open item, NULL when none',
    weighted_average_days DECIMAL(12,3) NULL COMMENT 'open amounts weighted average age',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, customer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: customer x day. Sources: erp.sales_orders, erp.general_ledger'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- accounts_payable_aging: one row per supplier and day, open payables by age
-- (age = report_date - invoice_date).
CREATE TABLE IF NOT EXISTS accounts_payable_aging (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    supplier_id VARCHAR(50) NOT NULL,
    supplier_name VARCHAR(200) NULL,
    open_invoices_count INT NOT NULL DEFAULT 0 COMMENT 'supplier invoices not paid at the end of the day',
    aging_0_30_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open payables 0-30 days old',
    aging_31_60_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open payables 31-60 days old',
    aging_61_90_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open payables 61-90 days old',
    aging_over_90_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open payables more than 90 days old',
    total_payable_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'sum of the four aging buckets',
    overdue_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'open payables past due_date',
    invoices_on_hold INT NOT NULL DEFAULT 0 COMMENT 'open invoices on hold (payment or matching hold)',
    on_hold_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'total_amount of invoices on hold',
    match_exceptions INT NOT NULL DEFAULT 0 COMMENT 'three-way matches outside tolerance, still open',
    match_exception_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'variance_amount of those match exceptions',
    oldest_open_days INT NULL COMMENT 'age in days of the oldest open invoice, NULL when none',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, supplier_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: supplier x day. Sources: supplier.supplier_invoices, supplier.three_way_match_log'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- inventory_value_summary: daily snapshot, one row per factory, warehouse and material.
CREATE TABLE IF NOT EXISTS inventory_value_summary (
    snapshot_date DATE NOT NULL COMMENT 'day the snapshot was taken (UTC)',
    factory_id VARCHAR(50) NOT NULL,
    warehouse_id VARCHAR(50) NOT NULL COMMENT 'WMS warehouse, UNASSIGNED when the source leaves it empty (ERP stock not in a WMS warehouse)',
    material_id VARCHAR(50) NOT NULL,
    factory_name VARCHAR(200) NULL,
    warehouse_name VARCHAR(200) NULL,
    material_name VARCHAR(200) NULL,
    material_type VARCHAR(50) NULL,
    unit_of_measure VARCHAR(20) NULL,
    abc_class VARCHAR(1) NULL COMMENT 'A, B or C (erp.materials.abc_classification)',
    quantity_on_hand DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'unrestricted + quality inspection + blocked stock',
    quantity_available DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'quantity_on_hand - reserved - blocked',
    unit_cost DECIMAL(18,4) NULL COMMENT 'moving average price used for inventory_value',
    standard_unit_cost DECIMAL(18,4) NULL COMMENT 'erp.materials.standard_cost',
    inventory_value DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'quantity_on_hand * unit_cost (ERP stock_value)',
    standard_cost_value DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'quantity_on_hand * standard_unit_cost',
    average_daily_usage DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'goods issues of the last 90 days / 90',
    days_of_inventory DECIMAL(12,3) NULL COMMENT 'quantity_on_hand / average_daily_usage, NULL when no usage',
    inventory_turnover DECIMAL(12,4) NULL COMMENT 'issues of the last 365 days at cost / inventory_value',
    reorder_point DECIMAL(18,3) NULL COMMENT 'erp.materials.reorder_point',
    safety_stock DECIMAL(18,3) NULL COMMENT 'erp.materials.safety_stock',
    reorder_status VARCHAR(20) NULL COMMENT 'below_safety_stock, below_reorder_point, ok or overstock (above maximum_stock)',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (snapshot_date, factory_id, warehouse_id, material_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: factory x warehouse x material, daily snapshot. Sources: erp.inventory_balances, erp.materials, wms.warehouse_inventory'
PARTITION BY RANGE COLUMNS(snapshot_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- material_flow_daily: one row per material, factory and day.
CREATE TABLE IF NOT EXISTS material_flow_daily (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    material_id VARCHAR(50) NOT NULL,
    factory_id VARCHAR(50) NOT NULL,
    material_name VARCHAR(200) NULL,
    factory_name VARCHAR(200) NULL,
    unit_of_measure VARCHAR(20) NULL,
    opening_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'stock at the start of the day',
    receipts_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'goods receipts (movement types 1xx) on the day',
    issues_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'goods issues (2xx) on the day, positive',
    adjustments_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'inventory adjustments and scrap on the day, signed',
    transfers_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'net transfers into the factory on the day, signed',
    ending_balance_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'opening_quantity + receipts_quantity - issues_quantity + adjustments_quantity + transfers_quantity',
    receipts_value DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'amount of the receipts',
    issues_value DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'amount of the issues',
    warehouse_movements INT NOT NULL DEFAULT 0 COMMENT 'wms.warehouse_movements of the material on the day',
    average_daily_usage DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'issues_quantity over the 30 days ending report_date / 30',
    default_supplier_id VARCHAR(50) NULL,
    default_supplier_name VARCHAR(200) NULL,
    supplier_performance_rating DECIMAL(7,3) NULL COMMENT 'latest overall_score (0-100) of the default supplier',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, material_id, factory_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: material x factory x day. Sources: erp.inventory_transactions, wms.warehouse_movements, supplier.supplier_performance_metrics (rating)'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- purchase_order_performance: one row per supplier and day.
CREATE TABLE IF NOT EXISTS purchase_order_performance (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    supplier_id VARCHAR(50) NOT NULL,
    supplier_name VARCHAR(200) NULL,
    supplier_type VARCHAR(50) NULL,
    po_count INT NOT NULL DEFAULT 0 COMMENT 'purchase orders with po_date on the day',
    po_line_count INT NOT NULL DEFAULT 0 COMMENT 'lines of those purchase orders',
    po_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'total_value of those purchase orders',
    receipts_count INT NOT NULL DEFAULT 0 COMMENT 'goods receipts posted on the day',
    received_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'quantity_received of those receipts',
    received_value DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'total_value of those receipts',
    on_time_receipts INT NOT NULL DEFAULT 0 COMMENT 'receipts with gr_date <= the line delivery_date',
    late_receipts INT NOT NULL DEFAULT 0 COMMENT 'receipts after the line delivery_date',
    on_time_delivery_pct DECIMAL(7,3) NULL COMMENT 'on_time_receipts / receipts_count * 100',
    rejected_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'received quantity in quality_status blocked',
    defect_rate_pct DECIMAL(7,3) NULL COMMENT 'rejected_quantity / received_quantity * 100',
    price_variance_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT '(receipt unit_price - PO unit_price) * quantity_received, positive = paid more',
    price_variance_pct DECIMAL(7,3) NULL COMMENT 'price_variance_amount / (PO unit_price * quantity_received) * 100',
    average_lead_time_days DECIMAL(12,3) NULL COMMENT 'average gr_date - po_date of the receipts',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, supplier_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: supplier x day. Sources: erp.purchase_orders, erp.purchase_order_lines, erp.goods_receipts'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- finished_goods_warehouse: one row per warehouse, finished product and day (end-of-day stock).
CREATE TABLE IF NOT EXISTS finished_goods_warehouse (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    warehouse_id VARCHAR(50) NOT NULL,
    product_id VARCHAR(50) NOT NULL,
    warehouse_name VARCHAR(200) NULL,
    product_name VARCHAR(200) NULL,
    material_id VARCHAR(50) NULL COMMENT 'erp material of the finished product',
    stock_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'quantity_on_hand at the end of the day',
    reserved_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'reserved_quantity',
    available_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'available_quantity',
    safety_stock_quantity DECIMAL(18,3) NULL COMMENT 'erp.materials.safety_stock',
    is_below_safety_stock TINYINT(1) NOT NULL DEFAULT 0 COMMENT '1 when stock_quantity < safety_stock_quantity',
    is_stocked_out TINYINT(1) NOT NULL DEFAULT 0 COMMENT '1 when available_quantity = 0 at the end of the day',
    stockout_days_30d INT NOT NULL DEFAULT 0 COMMENT 'days stocked out in the 30 days ending report_date',
    aging_0_30_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'stock received 0-30 days ago',
    aging_31_60_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'stock received 31-60 days ago',
    aging_61_90_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'stock received 61-90 days ago',
    aging_over_90_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'stock received more than 90 days ago',
    stock_value DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'stock_quantity * moving average price',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, warehouse_id, product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: warehouse x product x day. Sources: wms.warehouse_inventory, erp.inventory_balances'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- raw_material_warehouse: one row per warehouse, raw material and day (end-of-day stock).
CREATE TABLE IF NOT EXISTS raw_material_warehouse (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    warehouse_id VARCHAR(50) NOT NULL,
    material_id VARCHAR(50) NOT NULL,
    warehouse_name VARCHAR(200) NULL,
    material_name VARCHAR(200) NULL,
    material_type VARCHAR(50) NULL,
    unit_of_measure VARCHAR(20) NULL,
    stock_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'quantity on hand at the end of the day',
    min_stock_quantity DECIMAL(18,3) NULL COMMENT 'erp.materials.safety_stock',
    max_stock_quantity DECIMAL(18,3) NULL COMMENT 'erp.materials.maximum_stock',
    reorder_point_quantity DECIMAL(18,3) NULL COMMENT 'erp.materials.reorder_point',
    is_below_reorder_point TINYINT(1) NOT NULL DEFAULT 0 COMMENT '1 when stock_quantity <= reorder_point_quantity',
    receipts_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'quantity received into the warehouse on the day',
    issues_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'quantity issued from the warehouse on the day',
    stock_value DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'stock_quantity * moving average price',
    inventory_turnover DECIMAL(12,4) NULL COMMENT 'issues of the last 365 days / average stock_quantity (annual)',
    days_of_supply DECIMAL(12,3) NULL COMMENT 'stock_quantity / (issues of the last 30 days / 30), NULL when no issues',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, warehouse_id, material_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: warehouse x material x day. Sources: erp.inventory_balances, erp.materials, wms.warehouse_inventory'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- work_in_process: one row per production line and day (WIP at the end of the day, by stage).
CREATE TABLE IF NOT EXISTS work_in_process (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    line_id VARCHAR(50) NOT NULL,
    line_name VARCHAR(200) NULL,
    factory_id VARCHAR(50) NULL,
    factory_name VARCHAR(200) NULL,
    open_work_orders INT NOT NULL DEFAULT 0 COMMENT 'work orders released and not completed at the end of the day',
    wip_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'sum of the stage quantities',
    wip_value DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'sum of the stage values',
    queued_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'WIP units released work orders whose next operation has not started',
    queued_value DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'queued_quantity * standard cost per unit',
    in_process_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'WIP units operations started and not finished',
    in_process_value DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'in_process_quantity * standard cost per unit',
    inspection_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'WIP units operations finished and awaiting inspection',
    inspection_value DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'inspection_quantity * standard cost per unit',
    on_hold_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'WIP units work orders on quality_hold',
    on_hold_value DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'on_hold_quantity * standard cost per unit',
    throughput_units BIGINT NOT NULL DEFAULT 0 COMMENT 'good units completed on the day',
    avg_cycle_time_hours DECIMAL(12,3) NULL COMMENT 'average actual_end_time - actual_start_time of work orders completed on the day',
    avg_wip_age_hours DECIMAL(12,3) NULL COMMENT 'average age of open work orders since actual_start_time',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, line_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: line x day. Sources: mes.work_orders, mes.work_order_operations'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- demand_forecast_vs_actual: one row per product and month.
CREATE TABLE IF NOT EXISTS demand_forecast_vs_actual (
    report_month DATE NOT NULL COMMENT 'first day of the month (UTC)',
    product_id VARCHAR(50) NOT NULL,
    product_name VARCHAR(200) NULL,
    product_category VARCHAR(100) NULL,
    forecast_quantity DECIMAL(18,3) NULL COMMENT 'forecast units for the month, NULL when no forecast',
    forecast_amount DECIMAL(18,2) NULL COMMENT 'forecast revenue for the month, NULL when no forecast',
    forecast_source VARCHAR(100) NULL COMMENT 'how the forecast was obtained (for example crm.sales_forecasts allocated by product share)',
    actual_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'order_quantity of sales order lines in the month',
    actual_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'net_price of those lines',
    variance_quantity DECIMAL(18,3) NULL COMMENT 'actual_quantity - forecast_quantity',
    variance_amount DECIMAL(18,2) NULL COMMENT 'actual_amount - forecast_amount',
    variance_pct DECIMAL(7,3) NULL COMMENT 'variance_quantity / forecast_quantity * 100',
    forecast_accuracy_pct DECIMAL(7,3) NULL COMMENT 'GREATEST(0, 100 - ABS(variance_quantity) / actual_quantity * 100), NULL when actual_quantity = 0',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_month, product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: product x month. Sources: crm.sales_forecasts (allocated to products), erp.sales_order_lines'
PARTITION BY RANGE COLUMNS(report_month) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- supplier_performance_summary: one row per supplier and month. Scores 0-100.
CREATE TABLE IF NOT EXISTS supplier_performance_summary (
    report_month DATE NOT NULL COMMENT 'first day of the month (UTC)',
    supplier_id VARCHAR(50) NOT NULL,
    supplier_name VARCHAR(200) NULL,
    supplier_type VARCHAR(50) NULL,
    quality_score DECIMAL(7,3) NULL COMMENT 'scorecard quality_score, else qms quality_score',
    delivery_score DECIMAL(7,3) NULL COMMENT 'scorecard delivery_score, else ontime_delivery_pct',
    cost_score DECIMAL(7,3) NULL COMMENT 'scorecard commercial_score',
    responsiveness_score DECIMAL(7,3) NULL COMMENT 'scorecard responsiveness_score',
    overall_score DECIMAL(7,3) NULL COMMENT 'scorecard overall_score, else performance metrics overall_score',
    overall_rating VARCHAR(20) NULL COMMENT 'excellent, good, acceptable, needs_improvement or poor',
    trend VARCHAR(20) NULL COMMENT 'improving, stable or declining vs the previous month',
    po_count INT NOT NULL DEFAULT 0 COMMENT 'total_pos_issued in the month',
    on_time_delivery_pct DECIMAL(7,3) NULL COMMENT 'ontime_delivery_pct',
    quality_acceptance_pct DECIMAL(7,3) NULL COMMENT 'quality_acceptance_pct',
    defect_ppm INT NULL COMMENT 'defect_ppm (parts per million)',
    ncr_count INT NOT NULL DEFAULT 0 COMMENT 'ncr_count of qms.supplier_quality_metrics',
    total_spend_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'total_spend of the month',
    cost_of_poor_quality DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'total_copq of qms.supplier_quality_metrics',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_month, supplier_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: supplier x month. Sources: supplier.supplier_performance_metrics, supplier.supplier_scorecards, qms.supplier_quality_metrics'
PARTITION BY RANGE COLUMNS(report_month) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- warehouse_operations_daily: one row per warehouse and day.
CREATE TABLE IF NOT EXISTS warehouse_operations_daily (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    warehouse_id VARCHAR(50) NOT NULL,
    warehouse_name VARCHAR(200) NULL,
    factory_id VARCHAR(50) NULL,
    picking_tasks_completed INT NOT NULL DEFAULT 0 COMMENT 'wms.picking_tasks completed on the day',
    packing_tasks_completed INT NOT NULL DEFAULT 0 COMMENT 'wms.packing_tasks completed on the day',
    shipping_tasks_completed INT NOT NULL DEFAULT 0 COMMENT 'wms.shipping_tasks completed on the day',
    receiving_tasks_completed INT NOT NULL DEFAULT 0 COMMENT 'wms.receiving_tasks completed on the day',
    tasks_completed INT NOT NULL DEFAULT 0 COMMENT 'sum of the four task counts',
    lines_picked INT NOT NULL DEFAULT 0 COMMENT 'picking tasks completed (one line each)',
    units_picked DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'quantity_picked',
    picking_hours DECIMAL(12,3) NOT NULL DEFAULT 0 COMMENT 'sum of completed_at - started_at of the picking tasks, hours',
    lines_picked_per_hour DECIMAL(12,3) NULL COMMENT 'lines_picked / picking_hours',
    accurate_picks INT NOT NULL DEFAULT 0 COMMENT 'picking tasks with quantity_picked = quantity_to_pick',
    pick_accuracy_pct DECIMAL(7,3) NULL COMMENT 'accurate_picks / lines_picked * 100',
    units_received DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'received_quantity of the receiving tasks',
    avg_dock_to_stock_hours DECIMAL(12,3) NULL COMMENT 'average hours from receiving start to putaway completion',
    packages_shipped INT NOT NULL DEFAULT 0 COMMENT 'number_of_packages of the shipping tasks',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, warehouse_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: warehouse x day. Sources: wms.picking_tasks, wms.packing_tasks, wms.shipping_tasks, wms.receiving_tasks'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- freight_cost_daily: one row per carrier and day.
CREATE TABLE IF NOT EXISTS freight_cost_daily (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    carrier_id VARCHAR(50) NOT NULL,
    carrier_name VARCHAR(200) NULL,
    carrier_type VARCHAR(50) NULL,
    shipments_count INT NOT NULL DEFAULT 0 COMMENT 'tms.shipments shipped on the day',
    total_weight_kg DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'total_weight_kg of the shipments',
    freight_charges DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'freight_cost of the shipments',
    fuel_surcharge DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'fuel_surcharge of the shipments',
    accessorial_charges DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'accessorial_charges + insurance_cost of the shipments',
    freight_spend DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'total_cost of the shipments',
    cost_per_shipment DECIMAL(18,2) NULL COMMENT 'freight_spend / shipments_count',
    cost_per_kg DECIMAL(18,4) NULL COMMENT 'freight_spend / total_weight_kg',
    invoices_count INT NOT NULL DEFAULT 0 COMMENT 'tms.freight_invoices dated on the day',
    invoiced_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'charge_amount of the invoice lines',
    expected_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'expected_amount of the invoice lines',
    invoice_variance_amount DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'invoiced_amount - expected_amount',
    invoice_variance_pct DECIMAL(7,3) NULL COMMENT 'invoice_variance_amount / expected_amount * 100',
    disputed_lines INT NOT NULL DEFAULT 0 COMMENT 'invoice lines disputed',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, carrier_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: carrier x day. Sources: tms.freight_invoices, tms.freight_invoice_lines, tms.shipments'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- mrp_shortage_summary: one row per material, plant and day, from the latest MRP run of the day.
CREATE TABLE IF NOT EXISTS mrp_shortage_summary (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    material_id VARCHAR(50) NOT NULL,
    plant_id VARCHAR(50) NOT NULL COMMENT 'master.factories.factory_id',
    material_name VARCHAR(200) NULL,
    plant_name VARCHAR(200) NULL,
    mrp_run_id VARCHAR(50) NULL COMMENT 'latest completed run of the day for the plant',
    planning_date DATE NULL COMMENT 'planning_date of that run',
    planning_horizon_days INT NULL COMMENT 'horizon of that run',
    stock_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'available stock at the start of the run',
    planned_receipts_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'receipt_quantity of the elements within the horizon',
    requirements_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'requirement_quantity of the elements within the horizon',
    projected_available_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'stock_quantity + planned_receipts_quantity - requirements_quantity',
    shortage_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'GREATEST(0, -projected_available_quantity)',
    first_shortage_date DATE NULL COMMENT 'first element_date where projected stock falls below 0, NULL when none',
    shortage_exceptions INT NOT NULL DEFAULT 0 COMMENT 'elements with exception_message shortage',
    excess_exceptions INT NOT NULL DEFAULT 0 COMMENT 'elements with exception_message excess',
    reschedule_exceptions INT NOT NULL DEFAULT 0 COMMENT 'elements with exception_message reschedule',
    exception_count INT NOT NULL DEFAULT 0 COMMENT 'elements with any exception_message',
    exception_messages JSON NULL COMMENT 'distinct exception messages with counts: {message: count}',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, material_id, plant_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: material x plant x day (plant = factory). Sources: planning.mrp_runs, planning.mrp_elements'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- inventory_reconciliation_summary: one row per warehouse, material and day (ERP vs WMS stock).
CREATE TABLE IF NOT EXISTS inventory_reconciliation_summary (
    report_date DATE NOT NULL COMMENT 'calendar day (UTC)',
    warehouse_id VARCHAR(50) NOT NULL COMMENT 'reconciliation location',
    material_id VARCHAR(50) NOT NULL,
    warehouse_name VARCHAR(200) NULL,
    material_name VARCHAR(200) NULL,
    reconciliation_id VARCHAR(50) NULL COMMENT 'latest reconciliation of the day',
    erp_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'erp_quantity of the reconciliation line',
    wms_quantity DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'wms_quantity of the reconciliation line',
    quantity_difference DECIMAL(18,3) NOT NULL DEFAULT 0 COMMENT 'wms_quantity - erp_quantity',
    erp_value DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'erp_value',
    wms_value DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'wms_value',
    value_difference DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT 'wms_value - erp_value',
    accuracy_pct DECIMAL(7,3) NULL COMMENT 'GREATEST(0, 100 - ABS(quantity_difference) / erp_quantity * 100), 100 when both are 0',
    is_matched TINYINT(1) NOT NULL DEFAULT 0 COMMENT '1 when quantity_difference = 0',
    variance_status VARCHAR(30) NULL COMMENT 'variance_status of the reconciliation line',
    sync_errors_today INT NOT NULL DEFAULT 0 COMMENT 'wms.inventory_sync_errors for the material and location on the day',
    open_sync_errors INT NOT NULL DEFAULT 0 COMMENT 'sync errors not resolved at the end of the day',
    updated_at DATETIME(6) NOT NULL COMMENT 'last load of this row (UTC)',
    PRIMARY KEY (report_date, warehouse_id, material_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Grain: warehouse x material x day. Sources: wms.inventory_reconciliation_headers, wms.inventory_reconciliation_lines, wms.inventory_sync_errors'
PARTITION BY RANGE COLUMNS(report_date) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- etl_sync_log: one row per reporting table per sync. Not partitioned.
CREATE TABLE IF NOT EXISTS etl_sync_log (
    sync_id BIGINT NOT NULL AUTO_INCREMENT,
    table_name VARCHAR(64) NOT NULL COMMENT 'reporting table loaded',
    asset_key VARCHAR(255) NULL COMMENT 'Dagster asset key, for example reporting/machine_performance_daily',
    source_databases JSON NOT NULL COMMENT 'source databases read: [genims_mes_db, ...]',
    partition_key VARCHAR(64) NULL COMMENT 'Dagster partition loaded (a day or month), NULL for whole-table loads',
    run_id VARCHAR(64) NULL COMMENT 'Dagster run id',
    load_mode VARCHAR(32) NULL COMMENT 'partition_replace, table_swap, retention or incremental',
    load_method VARCHAR(32) NULL COMMENT 'load_data_local or executemany',
    window_start DATETIME(6) NULL COMMENT 'start of the source time window read (UTC)',
    window_end DATETIME(6) NULL COMMENT 'end of the source time window read (UTC, exclusive)',
    started_at DATETIME(6) NOT NULL COMMENT 'UTC',
    finished_at DATETIME(6) NULL COMMENT 'UTC, NULL while running',
    duration_seconds DECIMAL(12,3) NULL COMMENT 'finished_at - started_at',
    rows_extracted BIGINT NOT NULL DEFAULT 0 COMMENT 'rows read from the sources',
    rows_transformed BIGINT NOT NULL DEFAULT 0 COMMENT 'rows produced by the transformation',
    rows_loaded BIGINT NOT NULL DEFAULT 0 COMMENT 'rows written to the table',
    rows_skipped BIGINT NOT NULL DEFAULT 0 COMMENT 'rows rejected (bad keys, out of range)',
    rows_replaced BIGINT NOT NULL DEFAULT 0 COMMENT 'rows of the partition deleted before the load',
    status VARCHAR(16) NOT NULL COMMENT 'running, success, failed or partial',
    error_message TEXT NULL COMMENT 'first error, NULL on success',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (sync_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Platform: one row per reporting table per sync (source, window, row counts, status). Not partitioned';

-- data_quality_metrics: one row per table per check. Not partitioned.
CREATE TABLE IF NOT EXISTS data_quality_metrics (
    metric_id BIGINT NOT NULL AUTO_INCREMENT,
    table_name VARCHAR(64) NOT NULL COMMENT 'reporting table checked',
    partition_key VARCHAR(64) NULL COMMENT 'partition checked, NULL for the whole table',
    run_id VARCHAR(64) NULL COMMENT 'Dagster run id',
    sync_id BIGINT NULL COMMENT 'etl_sync_log.sync_id of the load checked',
    check_name VARCHAR(128) NOT NULL COMMENT 'Dagster asset check name',
    column_name VARCHAR(64) NULL COMMENT 'column checked, NULL for row-level checks',
    rows_checked BIGINT NOT NULL DEFAULT 0 COMMENT 'rows examined',
    null_count BIGINT NULL COMMENT 'rows with NULL where a value is required',
    null_pct DECIMAL(7,3) NULL COMMENT 'null_count / rows_checked * 100',
    duplicate_count BIGINT NULL COMMENT 'rows sharing a grain key with another row',
    duplicate_pct DECIMAL(7,3) NULL COMMENT 'duplicate_count / rows_checked * 100',
    out_of_range_count BIGINT NULL COMMENT 'rows with a measure outside its valid range',
    score DECIMAL(7,3) NULL COMMENT '0-100, 100 = no problem found',
    threshold_score DECIMAL(7,3) NULL COMMENT 'score below which status is fail',
    status VARCHAR(16) NOT NULL COMMENT 'pass, warn, fail or error',
    details JSON NULL COMMENT 'check specific details (sample keys, ranges)',
    measured_at DATETIME(6) NOT NULL COMMENT 'UTC',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (metric_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Platform: one row per reporting table per quality check (rows, null pct, duplicate pct, out of range, score). Not partitioned';
