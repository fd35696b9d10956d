-- DuckDB star with EXCLUDE: every seed column but amount_cents, plus a derived amount.
select
    * exclude (amount_cents),
    (amount_cents / 100.0)::decimal(12, 2) as amount
from {{ ref('raw_payments') }}
