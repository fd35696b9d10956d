use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    api::get_owner,
    components::{loaded, Missing},
    dto::{OwnedNode, OwnerDetail},
    node_href,
};

/// `/owners/{name or email}`: everything one person or team owns, by project, with
/// access, contract and test status.
#[component]
pub fn OwnerPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || params.read().get("key").unwrap_or_default();
    let owner = Resource::new(key, get_owner);
    view! {
        {loaded(owner, "Loading…", move |value| match value {
            Some(detail) => view! { <OwnerView detail/> }.into_any(),
            None => view! {
                <Missing title="Owner not found" back_href="/owners" back_label="All owners">"No indexed node is owned by " <code>{key()}</code> "."</Missing>
            }
            .into_any(),
        })}
    }
}

#[component]
fn OwnerView(detail: OwnerDetail) -> impl IntoView {
    let OwnerDetail { owner, nodes } = detail;
    let mut projects: Vec<(String, Vec<OwnedNode>)> = Vec::new();
    for node in nodes {
        match projects.last_mut() {
            Some((project, list)) if *project == node.project => list.push(node),
            _ => projects.push((node.project.clone(), vec![node])),
        }
    }
    view! {
        <Title text=owner.key.clone()/>
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/owners">"Owners"</a>" / "<span>{owner.key.clone()}</span></nav>
        <h1 class="owner-name">{owner.key.clone()}</h1>
        <dl class="facts">
            {(!owner.emails.is_empty()).then(|| view! {
                <dt>"Email"</dt>
                <dd class="emails">
                    {owner.emails.iter().map(|e| view! { <a href=format!("mailto:{e}")>{e.clone()}</a>" " }).collect_view()}
                </dd>
            })}
            <dt>"Declared in"</dt><dd>{owner.sources.join(", ")}</dd>
            <dt>"Owns"</dt><dd>{format!("{} node{}", owner.nodes, if owner.nodes == 1 { "" } else { "s" })}</dd>
        </dl>
        {projects
            .into_iter()
            .map(|(project, list)| view! {
                <section class="owned-project" data-project=project.clone()>
                    <h2>{project.clone()}</h2>
                    <table>
                        <thead>
                            <tr><th scope="col">"Node"</th><th scope="col">"Type"</th><th scope="col">"Access"</th><th scope="col">"Contract"</th><th scope="col">"Last run"</th><th scope="col">"Failing tests"</th></tr>
                        </thead>
                        <tbody>
                            {list.into_iter().map(|n| {
                                let status = n.status.clone().unwrap_or_default();
                                let failing = n.failing_tests > 0;
                                view! {
                                    <tr data-unique-id=n.unique_id.clone()>
                                        <th scope="row">
                                            <a href=node_href(&n.unique_id)>{n.name.clone()}</a>
                                            {n.version.clone().map(|v| view! { " "<span class="badge version">{format!("v{v}")}</span> })}
                                        </th>
                                        <td>{n.resource_type.clone()}</td>
                                        <td>{n.access.clone().unwrap_or_default()}</td>
                                        <td>{if n.resource_type == "model" { if n.contract_enforced { "enforced" } else { "none" } } else { "" }}</td>
                                        <td class=format!("status {status}")>{status.clone()}</td>
                                        <td class="num" class:failing=failing>{n.failing_tests}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            })
            .collect_view()}
    }
}
