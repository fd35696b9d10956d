-- A subquery in FROM (aliased "ranked"), filtered on a column it computes.
select
    ranked.client_id,
    ranked.client_name,
    ranked.lifetime_amount,
    ranked.spend_rank
from (
    select
        client_id,
        client_name,
        lifetime_amount,
        rank() over (order by lifetime_amount desc) as spend_rank
    from {{ ref('client_summary') }}
) as ranked
where ranked.spend_rank <= 3
