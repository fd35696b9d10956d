-- CTE chain: three CTEs, with renames and expressions between them.
with source as (

    select * from {{ ref('raw_customers') }}

),

renamed as (

    select
        customer_id,
        first_name as given_name,
        last_name as family_name,
        lower(email) as email_address,
        country as country_raw,
        signup_date
    from source

),

final as (

    select
        customer_id,
        given_name || ' ' || family_name as full_name,
        given_name,
        email_address as email,
        upper(trim(country_raw)) as country_code,
        signup_date as signed_up_on
    from renamed
    where country_raw is not null

)

select * from final
