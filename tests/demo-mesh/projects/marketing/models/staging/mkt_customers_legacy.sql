-- Still PINNED to the deprecated v1 of platform's dim_customers.
select
    customer_id,
    first_name,
    last_name,
    email,
    country,
    lifetime_value
from {{ ref('platform', 'dim_customers', v=1) }}
