-- Daily time spine required by the dbt semantic layer (MetricFlow).
select range::date as date_day
from range(date '2024-01-01', date '2025-12-31', interval 1 day)
