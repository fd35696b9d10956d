-- Pinned two-argument ref to the latest version of platform's dim_customers.
select
    customer_id,
    full_name,
    country,
    customer_tier,
    lifetime_value
from {{ ref('platform', 'dim_customers', v=2) }}
