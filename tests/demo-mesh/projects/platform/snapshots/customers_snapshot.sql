{% snapshot customers_snapshot %}

{{
    config(
        target_schema='platform_snapshots',
        unique_key='id',
        strategy='check',
        check_cols='all',
    )
}}

select * from {{ ref('raw_customers') }}

{% endsnapshot %}
