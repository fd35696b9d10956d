select customer_id, first_name, upper(country) as country_code from {{ ref('stg_customers') }}
