-- DuckDB FROM-first syntax (FROM ... SELECT ... WHERE ...): odd to a standard SQL
-- parser, valid to DuckDB.
from {{ ref('raw_legacy_orders') }}
select
    legacy_id as order_id,
    cust_id as customer_id,
    placed_on as order_date,
    lower(state) as status,
    (total_cents / 100.0)::decimal(12, 2) as amount
where state <> 'VOID'
