select country_code, count(*) as customers from {{ ref('core', 'dim_customers') }} group by 1
