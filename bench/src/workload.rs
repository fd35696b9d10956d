//! The requests a benchmark makes, chosen from the generated plan so every one
//! names something that exists: node pages, lineage views, searches.

use crate::{
    generate::{plan::Layer, MeshPlan},
    server::encode,
};

pub struct Workload {
    pub node_pages: Vec<String>,
    /// `2+project.model+2`
    pub lineage_depth2: Vec<String>,
    /// The models of two projects: about 500 nodes selected.
    pub lineage_500: Vec<String>,
    pub search_pages: Vec<String>,
    /// The search API's fixed query set.
    pub queries: Vec<String>,
    /// `/api/v1/columns/{id}/{column}/lineage`, up and down, for the node pages' models.
    pub column_lineage: Vec<String>,
}

/// Queries of every kind the search box takes: names, prefixes, columns, owners,
/// tags, filters, typos, phrases, OR and exclusions.
const FIXED_QUERIES: &[&str] = &[
    "orders",
    "customers",
    "payments",
    "fct_orders",
    "dim_customers",
    "stg_stripe",
    "int_sessions",
    "agg_orders_daily",
    "fct_ord",
    "dim_cus",
    "stg_sales",
    "amount_usd",
    "lifetime_value_usd",
    "utm_campaign",
    "churned_at",
    "net_revenue_usd",
    "country_code",
    "warehouse_code",
    "tag:pii",
    "tag:finance-critical tag:kpi",
    "type:model",
    "type:test",
    "type:source orders",
    "type:exposure",
    "type:seed",
    "access:public",
    "access:public contract:enforced",
    "materialized:incremental",
    "project:finance",
    "project:sales type:model",
    "group:finance_core",
    "owner:data-oncall@acme.io",
    "custmers",
    "paymnets",
    "subscriptons",
    "shipmnt",
    "invoces",
    "\"one row per\"",
    "\"foreign key\"",
    "refunds OR chargebacks",
    "orders -test",
    "orders type:model -tag:pii",
    "deduplicated",
    "fivetran",
    "coalesce",
    "is_incremental",
    "sessionized",
    "dashboard",
];

fn picks(plan: &MeshPlan, count: usize) -> Vec<(usize, usize)> {
    let generated: Vec<usize> =
        (0..plan.projects.len()).filter(|&p| plan.projects[p].name != crate::generate::shapes::PROJECT).collect();
    (0..count)
        .map(|i| {
            let p = generated[(i * 7) % generated.len()];
            let models = &plan.projects[p].models;
            // Marts and intermediates: the nodes people open, with parents and children.
            let candidates: Vec<usize> = (0..models.len()).filter(|&m| models[m].layer != Layer::Staging).collect();
            (p, candidates[(i * 37) % candidates.len()])
        })
        .collect()
}

pub fn workload(plan: &MeshPlan, samples: usize) -> Workload {
    let picked = picks(plan, samples);
    let node_pages = picked
        .iter()
        .map(|&(p, m)| {
            let project = &plan.projects[p];
            let model = &project.models[m];
            let id = match model.version {
                Some(v) => format!("model.{}.{}.v{v}", project.name, model.name),
                None => format!("model.{}.{}", project.name, model.name),
            };
            format!("/nodes/{}", encode(&id))
        })
        .collect();
    let lineage_depth2 = picked
        .iter()
        .map(|&(p, m)| {
            let project = &plan.projects[p];
            format!("/lineage?select={}", encode(&format!("2+{}.{}+2", project.name, project.models[m].name)))
        })
        .collect();
    let generated: Vec<&str> =
        plan.projects.iter().map(|p| p.name.as_str()).filter(|n| *n != crate::generate::shapes::PROJECT).collect();
    let lineage_500 = (0..samples)
        .map(|i| {
            let a = generated[i % generated.len()];
            let b = generated[(i + 1) % generated.len()];
            let select = format!("resource_type:model,project:{a} resource_type:model,project:{b}");
            format!("/lineage?select={}", encode(&select))
        })
        .collect();

    let mut queries: Vec<String> = FIXED_QUERIES.iter().map(|q| q.to_string()).collect();
    for &(p, m) in picked.iter().take(4) {
        queries.push(plan.projects[p].models[m].name.clone());
    }
    if let Some(owner) = plan.projects.iter().flat_map(|p| p.models.iter()).find_map(|m| m.owner.clone()) {
        queries.push(format!("owner:{owner}"));
        queries.push(owner.split('@').next().unwrap_or_default().replace('.', " "));
    }
    let search_pages = (0..samples).map(|i| format!("/search?q={}", encode(&queries[i % queries.len()]))).collect();
    let column_lineage = picked
        .iter()
        .enumerate()
        .map(|(i, &(p, m))| {
            let project = &plan.projects[p];
            let model = &project.models[m];
            let id = match model.version {
                Some(v) => format!("model.{}.{}.v{v}", project.name, model.name),
                None => format!("model.{}.{}", project.name, model.name),
            };
            let column = &model.columns[i % model.columns.len().max(1)].name;
            format!("/api/v1/columns/{}/{}/lineage?direction=both&depth=10", encode(&id), encode(column))
        })
        .collect();
    Workload { node_pages, lineage_depth2, lineage_500, search_pages, queries, column_lineage }
}
