-- Monthly KPIs: finance revenue next to marketing spend.
with revenue as (
    select * from {{ ref('finance', 'revenue_by_month') }}
),

spend as (
    select
        date_trunc('month', c.campaign_start)::date as revenue_month,
        sum(c.budget_usd) as marketing_spend_usd,
        sum(c.attributed_revenue_usd) as attributed_revenue_usd
    from (
        select
            perf.*,
            (date '2024-03-01' + (perf.campaign_id - 1) * 35)::date as campaign_start
        from {{ ref('marketing', 'campaign_performance') }} as perf
    ) as c
    group by 1
)

select
    revenue.revenue_month,
    revenue.order_count,
    revenue.revenue_usd,
    revenue.paying_customers,
    coalesce(spend.marketing_spend_usd, 0) as marketing_spend_usd,
    coalesce(spend.attributed_revenue_usd, 0) as attributed_revenue_usd
from revenue
left join spend using (revenue_month)
