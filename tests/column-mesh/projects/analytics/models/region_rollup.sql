-- Aggregates (count, sum) grouped by a joined seed column, with a HAVING.
select
    r.region,
    count(*) as client_count,
    sum(cs.order_count) as order_count,
    sum(cs.lifetime_amount) as region_amount
from {{ ref('client_summary') }} as cs
join {{ ref('country_regions') }} as r
    on r.country_code = cs.country_code
group by r.region
having sum(cs.order_count) > 0
