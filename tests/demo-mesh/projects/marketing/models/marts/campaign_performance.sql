select
    campaigns.campaign_id,
    campaigns.campaign_name,
    campaigns.channel,
    campaigns.budget_usd,
    count(attribution.order_id) as attributed_orders,
    coalesce(sum(attribution.amount_usd), 0)::double as attributed_revenue_usd,
    coalesce(sum(attribution.amount_usd), 0) / nullif(campaigns.budget_usd, 0) as roas
from {{ ref('campaigns') }} as campaigns
left join {{ ref('mkt_order_attribution') }} as attribution using (campaign_id)
group by 1, 2, 3, 4
