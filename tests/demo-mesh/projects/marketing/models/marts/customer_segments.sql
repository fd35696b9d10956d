select
    customers.customer_id,
    customers.country,
    customers.customer_tier,
    legacy.first_name,
    case
        when customers.order_count = 0 then 'prospect'
        when customers.customer_tier = 'gold' then 'vip'
        when contacts.customer_id is not null then 'reachable'
        else 'dormant'
    end as segment
from {{ ref('mkt_customers') }} as customers
left join {{ ref('mkt_customers_legacy') }} as legacy using (customer_id)
left join {{ ref('mkt_customer_contacts') }} as contacts using (customer_id)
