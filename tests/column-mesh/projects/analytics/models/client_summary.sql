-- Cross-project ref to core's public dim_customers; customer_id is renamed client_id
-- (and full_name client_name) on the way in.
select
    customer_id as client_id,
    full_name as client_name,
    country_code,
    order_count,
    lifetime_amount
from {{ ref('core', 'dim_customers') }}
