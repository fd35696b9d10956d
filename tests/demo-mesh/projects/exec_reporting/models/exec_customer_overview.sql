-- Customer base by segment and tier, with recognized revenue.
select
    segments.segment,
    segments.customer_tier,
    count(*) as customers,
    sum(revenue.recognized_revenue_usd) as recognized_revenue_usd
from {{ ref('marketing', 'customer_segments') }} as segments
left join {{ ref('finance', 'customer_revenue') }} as revenue using (customer_id)
group by 1, 2
