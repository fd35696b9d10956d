-- Reads core's dim_customers table through a source() of this project (the source
-- declares another project's relation), not through a cross-project ref.
select
    customer_id,
    email,
    first_order_date,
    lifetime_amount >= 100 as is_big_spender
from {{ source('core_warehouse', 'customers') }}
where order_count > 0
