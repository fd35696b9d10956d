-- v3 (prerelease): v2 plus web activity and marketing consent.
with sessions as (
    select customer_id, count(*) as web_events
    from {{ ref('stg_web_events') }}
    group by customer_id
)

select
    v2.*,
    coalesce(sessions.web_events, 0)::integer as web_events,
    customers.marketing_opt_in::boolean as marketing_opt_in
from {{ ref('dim_customers', v=2) }} as v2
left join sessions using (customer_id)
left join {{ ref('stg_customers') }} as customers using (customer_id)
