use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    api::get_node,
    components::NodeLinkList,
    dto::{Column, Finding, NodeDetail, Owner, TestSummary},
    node_href,
};

/// `/nodes/{unique_id}`: everything meshlens knows about one node.
#[component]
pub fn NodePage() -> impl IntoView {
    let params = use_params_map();
    let unique_id = move || params.read().get("id").unwrap_or_default();
    let node = Resource::new(unique_id, get_node);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match node.await {
                    Ok(Some(node)) => view! { <NodeView node/> }.into_any(),
                    Ok(None) => {
                        super::set_not_found_status();
                        view! {
                            <Title text="Node not found"/>
                            <section class="not-found">
                                <h1>"404 · Node not found"</h1>
                                <p>"No indexed project has a node " <code>{unique_id()}</code> "."</p>
                                <p><a href="/">"Back to the projects"</a></p>
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NodeView(node: NodeDetail) -> impl IntoView {
    let NodeDetail {
        unique_id,
        name,
        resource_type,
        project,
        package,
        description,
        original_file_path,
        external,
        owners,
        group,
        access,
        version,
        latest_version,
        deprecation_date,
        materialized,
        relation_name,
        tags,
        contract,
        columns,
        parents,
        children,
        tests,
        status,
        findings,
    } = node;
    let title = name.clone();
    let other_package = (package != project).then_some(package);
    let version_text = version.map(|v| match &latest_version {
        Some(latest) if *latest == v => format!("v{v} (latest)"),
        Some(latest) => format!("v{v} (latest is v{latest})"),
        None => format!("v{v}"),
    });
    view! {
        <Title text=title/>
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <a href="/">"Projects"</a>" / "<span>{project.clone()}</span>" / "<span>{name.clone()}</span>
        </nav>
        <article class="node" data-unique-id=unique_id.clone()>
            <h1>
                {name.clone()}
                " "<span class="badge type">{resource_type.clone()}</span>
                {access.clone().map(|a| view! { " "<span class=format!("badge access {a}")>{a.clone()}</span> })}
                {external.then(|| view! { " "<span class="badge external">"external"</span> })}
            </h1>
            <p class="unique-id"><code>{unique_id.clone()}</code></p>
            <dl class="facts">
                <dt>"Project"</dt><dd class="project">{project.clone()}</dd>
                {other_package.map(|p| view! { <dt>"Package"</dt><dd>{p}</dd> })}
                {group.map(|g| view! { <dt>"Group"</dt><dd>{g}</dd> })}
                {(!owners.is_empty()).then(|| view! { <dt>"Owners"</dt><dd><OwnerList owners/></dd> })}
                {version_text.map(|v| view! { <dt>"Version"</dt><dd class="version">{v}</dd> })}
                {deprecation_date.map(|d| view! { <dt>"Deprecation date"</dt><dd class="deprecation">{d}</dd> })}
                {materialized.map(|m| view! { <dt>"Materialized"</dt><dd>{m}</dd> })}
                {(resource_type == "model").then(|| view! {
                    <dt>"Contract"</dt>
                    <dd class="contract">{if contract.enforced { "enforced" } else { "not enforced" }}</dd>
                })}
                {relation_name.map(|r| view! { <dt>"Relation"</dt><dd><code>{r}</code></dd> })}
                {original_file_path.map(|p| view! { <dt>"Path"</dt><dd><code>{p}</code></dd> })}
                {status.map(|s| view! { <dt>"Last run"</dt><dd class=format!("status {s}")>{s.clone()}</dd> })}
                {(!tags.is_empty()).then(|| view! { <dt>"Tags"</dt><dd>{tags.join(", ")}</dd> })}
            </dl>
            <section class="description">
                <h2>"Description"</h2>
                {if description.trim().is_empty() {
                    view! { <p class="muted">"No description."</p> }.into_any()
                } else {
                    view! { <p class="description-text">{description}</p> }.into_any()
                }}
            </section>
            {(!columns.is_empty()).then(|| view! { <ColumnTable columns/> })}
            <section class="lineage-lists">
                <div>
                    <h2>"Parents"</h2>
                    <NodeLinkList links=parents empty="No parents."/>
                </div>
                <div>
                    <h2>"Children"</h2>
                    <NodeLinkList links=children empty="No children."/>
                </div>
            </section>
            {(!tests.is_empty()).then(|| view! { <TestList tests/> })}
            {(!findings.is_empty()).then(|| view! { <FindingList findings/> })}
        </article>
    }
}

#[component]
fn OwnerList(owners: Vec<Owner>) -> impl IntoView {
    view! {
        <ul class="owners">
            {owners
                .into_iter()
                .map(|o| view! {
                    <li>
                        {o.name.clone()}
                        {o.email.clone().map(|e| view! { " "<a href=format!("mailto:{e}")>{e.clone()}</a> })}
                        " "<span class="muted">{format!("({})", o.source)}</span>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

#[component]
fn ColumnTable(columns: Vec<Column>) -> impl IntoView {
    view! {
        <section class="columns">
            <h2>"Columns"</h2>
            <table>
                <thead>
                    <tr><th scope="col">"Column"</th><th scope="col">"Type"</th><th scope="col">"Warehouse type"</th><th scope="col">"Description"</th></tr>
                </thead>
                <tbody>
                    {columns
                        .into_iter()
                        .map(|c| {
                            let differs = matches!((&c.data_type, &c.catalog_type), (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b));
                            view! {
                                <tr class:type-mismatch=differs>
                                    <th scope="row"><code>{c.name.clone()}</code></th>
                                    <td>{c.data_type.clone().unwrap_or_default()}</td>
                                    <td>{c.catalog_type.clone().unwrap_or_default()}</td>
                                    <td>{c.description.clone()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn TestList(tests: Vec<TestSummary>) -> impl IntoView {
    view! {
        <section class="tests">
            <h2>"Tests"</h2>
            <ul>
                {tests
                    .into_iter()
                    .map(|t| {
                        let status = t.status.clone().unwrap_or_else(|| "not run".to_string());
                        view! {
                            <li>
                                <a href=node_href(&t.unique_id)>{t.name.clone()}</a>
                                {t.column.clone().map(|c| view! { " on "<code>{c}</code> })}
                                " "<span class=format!("status {status}")>{status.clone()}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn FindingList(findings: Vec<Finding>) -> impl IntoView {
    view! {
        <section class="findings">
            <h2>"Findings"</h2>
            <ul>
                {findings
                    .into_iter()
                    .map(|f| view! {
                        <li class=format!("finding {}", f.severity)>
                            <span class="badge">{f.kind.clone()}</span>" "{f.message.clone()}
                        </li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
