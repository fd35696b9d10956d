-- Orders attributed to the campaign running on the order date. Reads platform's
-- fct_orders through a source() instead of ref() (no lineage edge to platform).
select
    orders.order_id,
    orders.customer_id,
    orders.order_date,
    orders.amount_usd,
    campaigns.campaign_id,
    campaigns.channel
from {{ source('platform_warehouse', 'orders_table') }} as orders
left join {{ ref('campaigns') }} as campaigns
    on orders.order_date between campaigns.start_date and campaigns.end_date
