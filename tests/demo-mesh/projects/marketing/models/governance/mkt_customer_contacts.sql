{{ config(group='platform_core', access='protected', materialized='view') }}
-- Refs platform's PRIVATE stg_customers from another project. dbt accepts it because
-- this model's group is also called platform_core (name-only comparison).
select
    customer_id,
    email,
    marketing_opt_in
from {{ ref('platform', 'stg_customers') }}
where marketing_opt_in
