use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    api::{get_lineage, get_node},
    components::{CodeBlock, CopyButton, ErrorPanel, LineageGraph, Missing, NodeLinkList, ViewSettings},
    dto::{Column, Constraint, Freshness, LineageView, NodeDetail, Owner, TestSummary},
    node_href, owner_href, project_href,
};

/// `/nodes/{unique_id}`: everything meshlens knows about one node.
#[component]
pub fn NodePage() -> impl IntoView {
    let params = use_params_map();
    let unique_id = move || params.read().get("id").unwrap_or_default();
    let node = Resource::new(unique_id, get_node);
    // Both resources start with the page, and one Suspend awaits both: a resource
    // created inside another's Suspend can race the server's "all resolved" check.
    let mini =
        Resource::new(unique_id, |id| get_lineage(format!("1+{id}+1"), String::new(), String::new(), String::new()));
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (node, mini) = (node.await, mini.await);
                match node {
                    Ok(Some(node)) => {
                        let mini = mini.ok().filter(|v| v.nodes.len() > 1);
                        view! { <NodeView node mini/> }.into_any()
                    }
                    Ok(None) => view! {
                        <Missing title="Node not found" back_href="/" back_label="Back to the projects">"No indexed project has a node " <code>{unique_id()}</code> "."</Missing>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NodeView(node: NodeDetail, mini: Option<LineageView>) -> impl IntoView {
    let NodeDetail {
        unique_id,
        name,
        resource_type,
        project,
        package,
        description: _,
        description_html,
        original_file_path,
        external,
        owners,
        group,
        access,
        version,
        latest_version,
        deprecation_date,
        version_state,
        materialized,
        relation_name,
        database,
        schema,
        alias,
        meta,
        tags,
        ref_snippet,
        raw_code,
        compiled_code,
        contract,
        columns,
        parents,
        children,
        tests,
        status,
        execution_time,
        freshness,
        used_by_exposures,
        used_by_projects,
        findings,
        column_lineage,
        column_filters,
    } = node;
    let title = name.clone();
    let other_package = (package != project).then_some(package);
    let version_text = version.clone().map(|v| match &latest_version {
        Some(latest) if *latest == v => format!("v{v}"),
        Some(latest) => format!("v{v} (latest is v{latest})"),
        None => format!("v{v}"),
    });
    let is_model = resource_type == "model";
    let run = status.map(|s| match execution_time {
        Some(t) => (s.clone(), format!("{s} in {t:.2} s")),
        None => (s.clone(), s),
    });
    view! {
        <Title text=title/>
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <a href="/">"Projects"</a>" / "<a href=project_href(&project)>{project.clone()}</a>" / "
            <span>{resource_type.clone()}</span>" / "<span aria-current="page">{name.clone()}</span>
        </nav>
        <article class="node" data-unique-id=unique_id.clone()>
            <h1>
                {name.clone()}
                {version.clone().map(|v| view! { " "<span class="badge version">{format!("v{v}")}</span> })}
                " "<span class="badge type">{resource_type.clone()}</span>
                {access.clone().map(|a| view! { " "<span class=format!("badge access {a}")>{a.clone()}</span> })}
                {version_state.clone().map(|s| view! { " "<span class=format!("badge state {s}")>{s.clone()}</span> })}
                {external.then(|| view! { " "<span class="badge external">"external"</span> })}
            </h1>
            <p class="unique-id"><code>{unique_id.clone()}</code></p>
            {ref_snippet.map(|snippet| view! {
                <p class="ref-snippet"><code>{snippet.clone()}</code>" "<CopyButton text=snippet/></p>
            })}
            <dl class="facts">
                <dt>"Project"</dt><dd class="project"><a href=project_href(&project)>{project.clone()}</a></dd>
                {other_package.map(|p| view! { <dt>"Package"</dt><dd>{p}</dd> })}
                {group.map(|g| view! { <dt>"Group"</dt><dd class="group"><a href=format!("/groups#{}", crate::encode(&g))>{g.clone()}</a></dd> })}
                {(!owners.is_empty()).then(|| view! { <dt>"Owners"</dt><dd><OwnerList owners/></dd> })}
                {version_text.map(|v| view! { <dt>"Version"</dt><dd class="version">{v}" "<a href="/versions">"all versions"</a></dd> })}
                {deprecation_date.map(|d| view! { <dt>"Deprecation date"</dt><dd class="deprecation">{d.get(..10).unwrap_or(&d).to_string()}</dd> })}
                {materialized.map(|m| view! { <dt>"Materialized"</dt><dd>{m}</dd> })}
                {is_model.then(|| view! {
                    <dt>"Contract"</dt>
                    <dd class="contract">{if contract.enforced { "enforced" } else { "not enforced" }}</dd>
                })}
                {relation_name.map(|r| view! { <dt>"Relation"</dt><dd><code>{r}</code></dd> })}
                {database.map(|d| view! { <dt>"Database"</dt><dd><code>{d}</code></dd> })}
                {schema.map(|d| view! { <dt>"Schema"</dt><dd><code>{d}</code></dd> })}
                {alias.filter(|a| *a != name).map(|d| view! { <dt>"Alias"</dt><dd><code>{d}</code></dd> })}
                {original_file_path.map(|p| view! { <dt>"Path"</dt><dd><code>{p}</code></dd> })}
                {run.map(|(s, text)| view! { <dt>"Last run"</dt><dd class=format!("status {s}")>{text}</dd> })}
                {freshness.map(|f| view! { <dt>"Freshness"</dt><dd><FreshnessView freshness=f/></dd> })}
                {(!tags.is_empty()).then(|| view! { <dt>"Tags"</dt><dd>{tags.join(", ")}</dd> })}
            </dl>
            <section class="description">
                <h2>"Description"</h2>
                {if description_html.trim().is_empty() {
                    view! { <p class="muted">"No description."</p> }.into_any()
                } else {
                    view! { <div class="description-text markdown" inner_html=description_html></div> }.into_any()
                }}
            </section>
            {(!columns.is_empty()).then(|| view! {
                <ColumnTable columns contract_enforced=contract.enforced unique_id=unique_id.clone()/>
            })}
            {(is_model || resource_type == "snapshot").then(|| view! {
                <ColumnLineageNote status=column_lineage filters=column_filters/>
            })}
            {(!contract.constraints.is_empty()).then(|| view! {
                <section class="constraints">
                    <h2>"Model constraints"</h2>
                    <ul>{contract.constraints.iter().map(|c| view! { <li><code>{constraint_text(c)}</code></li> }).collect_view()}</ul>
                </section>
            })}
            <MiniLineage unique_id=unique_id.clone() view=mini/>
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
            {(!used_by_exposures.is_empty() || !used_by_projects.is_empty()).then(|| view! {
                <section class="used-by">
                    <h2>"Used by"</h2>
                    {(!used_by_projects.is_empty()).then(|| view! {
                        <p class="used-by-projects">"Projects: "
                            {used_by_projects.iter().map(|p| view! { <a href=project_href(p)>{p.clone()}</a>" " }).collect_view()}
                        </p>
                    })}
                    {(!used_by_exposures.is_empty()).then(|| view! { <NodeLinkList links=used_by_exposures empty=""/> })}
                </section>
            })}
            {(!tests.is_empty()).then(|| view! { <TestList tests/> })}
            {(!findings.is_empty()).then(|| view! { <section class="findings"><h2>"Findings"</h2><super::governance::FindingTable findings/></section> })}
            {raw_code.filter(|c| !c.trim().is_empty()).map(|code| view! {
                <details class="code" open>
                    <summary>"Code"</summary>
                    <CodeBlock code label="raw"/>
                </details>
            })}
            {compiled_code.filter(|c| !c.trim().is_empty()).map(|code| view! {
                <details class="code">
                    <summary>"Compiled code"</summary>
                    <CodeBlock code label="compiled"/>
                </details>
            })}
            {(!meta.is_empty()).then(|| view! {
                <section class="meta">
                    <h2>"Meta"</h2>
                    <pre><code>{meta}</code></pre>
                </section>
            })}
        </article>
    }
}

/// One hop up and down, drawn; the full view is a click away.
#[component]
fn MiniLineage(unique_id: String, view: Option<LineageView>) -> impl IntoView {
    let full = crate::links::lineage_href(&format!("2+{unique_id}+2"), "", "", &[]);
    let settings = ViewSettings { lens: "project".into(), ..ViewSettings::default() };
    view! {
        <section class="mini-lineage">
            <h2>"Lineage " <a class="open-lineage" href=full>"open full view"</a></h2>
            {match view {
                Some(v) => view! { <LineageGraph view=v settings compact=true/> }.into_any(),
                None => view! { <p class="muted">"No lineage."</p> }.into_any(),
            }}
        </section>
    }
}

fn constraint_text(c: &Constraint) -> String {
    match &c.expression {
        Some(e) => format!("{} ({e})", c.kind),
        None => c.kind.clone(),
    }
}

#[component]
fn FreshnessView(freshness: Freshness) -> impl IntoView {
    let age = freshness.age_seconds.map(|s| {
        if s >= 86_400.0 {
            format!("{:.0} days ago", s / 86_400.0)
        } else if s >= 3_600.0 {
            format!("{:.0} hours ago", s / 3_600.0)
        } else {
            format!("{:.0} minutes ago", s / 60.0)
        }
    });
    view! {
        <span class=format!("status freshness {}", freshness.status)>{freshness.status.clone()}</span>
        {freshness.max_loaded_at.map(|at| view! { " · last loaded "{at}})}
        {age.map(|a| view! { " ("{a}")" })}
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
                        {o.name.clone().or(o.email.clone()).map(|key| view! { <a class="owner" href=owner_href(&key)>{o.name.clone().unwrap_or(key.clone())}</a> })}
                        {o.email.clone().filter(|_| o.name.is_some()).map(|e| view! { " "<a href=format!("mailto:{e}")>{e.clone()}</a> })}
                        " "<span class="muted">{format!("({})", o.source)}</span>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

#[component]
fn ColumnTable(columns: Vec<Column>, contract_enforced: bool, unique_id: String) -> impl IntoView {
    view! {
        <section class="columns">
            <h2>"Columns"</h2>
            <div class="table-scroll">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Column"</th>
                        <th scope="col">{if contract_enforced { "Contract type" } else { "Type" }}</th>
                        <th scope="col">"Warehouse type"</th>
                        <th scope="col">"Constraints"</th>
                        <th scope="col">"Tests"</th>
                        <th scope="col">"Reads"</th>
                        <th scope="col">"Read by"</th>
                        <th scope="col">"Description"</th>
                    </tr>
                </thead>
                <tbody>
                    {columns
                        .into_iter()
                        .map(|c| {
                            let differs = c.type_mismatch;
                            view! {
                                <tr class:type-mismatch=differs data-column=c.name.clone()>
                                    <th scope="row"><code>{c.name.clone()}</code></th>
                                    <td>{c.data_type.clone().unwrap_or_default()}</td>
                                    <td class="catalog-type" title=if differs { "differs from the declared type" } else { "" }>{c.catalog_type.clone().unwrap_or_default()}</td>
                                    <td>{c.constraints.iter().map(constraint_text).collect::<Vec<_>>().join(", ")}</td>
                                    <td class="column-tests">
                                        {c.tests.into_iter().map(|t| {
                                            let status = t.status.clone().unwrap_or_else(|| "not run".to_string());
                                            view! { <a href=node_href(&t.unique_id) class=format!("status {status}") title=t.name.clone()>{test_label(&t.name)}</a>" " }
                                        }).collect_view()}
                                    </td>
                                    <td class="column-upstream">
                                        {c.upstream.iter().map(|u| view! {
                                            <span class="column-ref" data-kind=u.kind.clone() data-node=u.node.clone()>
                                                <a href=column_href(&u.node, &u.column)>{format!("{}.{}", u.name, u.column)}</a>
                                                {(u.project != project_of(&unique_id)).then(|| view! { " "<span class="badge project">{u.project.clone()}</span> })}
                                                " "<span class=format!("edge-kind kind-{}", u.kind)>{u.kind.clone()}</span>
                                            </span>
                                        }).collect_view()}
                                    </td>
                                    <td class="column-downstream" data-downstream-count=c.downstream_count.to_string()>
                                        <a href=column_href(&unique_id, &c.name)>{downstream_text(c.downstream_count)}</a>
                                    </td>
                                    <td>{c.description.clone()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            </div>
        </section>
    }
}

fn column_href(unique_id: &str, column: &str) -> String {
    crate::links::column_lineage_href(unique_id, column)
}

/// `model.finance.orders` → `finance`: the project a unique_id names.
fn project_of(unique_id: &str) -> &str {
    unique_id.split('.').nth(1).unwrap_or_default()
}

fn downstream_text(count: u64) -> String {
    match count {
        0 => "0 downstream columns".to_string(),
        1 => "1 downstream column".to_string(),
        n => format!("{n} downstream columns"),
    }
}

/// Whether this node's column lineage is known, and what it reads only for its rows.
#[component]
fn ColumnLineageNote(
    status: model::dto::ColumnLineageStatus,
    filters: Vec<model::dto::ColumnUpstream>,
) -> impl IntoView {
    let text = match status.status.as_str() {
        "ok" => None,
        "unavailable" => Some(format!(
            "Column lineage unavailable: {}{}",
            status.message.clone().unwrap_or_default(),
            status.line.map(|l| format!(" (line {l} of the compiled SQL)")).unwrap_or_default()
        )),
        _ => Some(
            "Column lineage unavailable: the manifest has no compiled SQL (run dbt compile, run or build).".to_string(),
        ),
    };
    view! {
        <section class="column-lineage" data-column-lineage=status.status.clone()>
            {text.map(|t| view! { <p class="muted column-lineage-status">{t}</p> })}
            {(!filters.is_empty()).then(|| view! {
                <h2>"Columns read to join, filter or group"</h2>
                <ul class="column-filters">
                    {filters.into_iter().map(|f| view! {
                        <li data-node=f.node.clone()><a href=column_href(&f.node, &f.column)>{format!("{}.{}", f.name, f.column)}</a>" "<span class="badge project">{f.project.clone()}</span></li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

/// `unique_fct_orders_order_id` is long; the test kind says enough in a cell.
fn test_label(name: &str) -> String {
    ["not_null", "unique", "accepted_values", "relationships", "dbt_utils"]
        .into_iter()
        .find(|k| name.starts_with(k))
        .map(str::to_string)
        .unwrap_or_else(|| name.to_string())
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
