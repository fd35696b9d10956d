-- UNPINNED ref: resolves to latest_version (v2) and silently moves when platform bumps it.
select
    customer_id,
    full_name,
    country,
    customer_tier,
    order_count,
    lifetime_value
from {{ ref('platform', 'dim_customers') }}
