use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::governance::FindingTable;
use crate::{
    api::get_project,
    components::{loaded, Missing},
    dto::ProjectDetail,
    node_href, owner_href, project_href,
};

/// `/projects/{name}`: a project's API (its public models), its place in the mesh,
/// owners and findings.
#[component]
pub fn ProjectPage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.read().get("name").unwrap_or_default();
    let project = Resource::new(name, get_project);
    view! {
        {loaded(project, "Loading…", move |value| match value {
            Some(detail) => view! { <ProjectView detail/> }.into_any(),
            None => view! {
                <Missing title="Project not found" back_href="/" back_label="All projects">"No project named " <code>{name()}</code> " is indexed."</Missing>
            }
            .into_any(),
        })}
    }
}

#[component]
fn ProjectView(detail: ProjectDetail) -> impl IntoView {
    let ProjectDetail {
        summary,
        public_models,
        upstream,
        downstream,
        packages,
        installed_by,
        owners,
        findings,
        column_lineage,
    } = detail;
    let c = summary.counts.clone();
    let counts = [
        ("models", c.models),
        ("sources", c.sources),
        ("seeds", c.seeds),
        ("snapshots", c.snapshots),
        ("tests", c.tests),
        ("unit tests", c.unit_tests),
        ("exposures", c.exposures),
        ("metrics", c.metrics),
        ("semantic models", c.semantic_models),
        ("groups", c.groups),
        ("public models", c.public_models),
        ("contracted models", c.contracted_models),
        ("versioned models", c.versioned_models),
        ("cross-project edges", c.cross_project_edges),
        ("inferred edges", c.inferred_edges),
        ("findings", c.findings),
    ];
    let links = |list: Vec<crate::dto::ProjectLink>, empty: &'static str| {
        if list.is_empty() {
            return view! { <p class="muted">{empty}</p> }.into_any();
        }
        view! {
            <ul class="project-links">
                {list.into_iter().map(|l| view! {
                    <li data-project=l.project.clone()><a href=project_href(&l.project)>{l.project.clone()}</a>" "<span class="muted">{format!("{} edge{}", l.edges, if l.edges == 1 { "" } else { "s" })}</span></li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <Title text=summary.name.clone()/>
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/">"Projects"</a>" / "<span aria-current="page">{summary.name.clone()}</span></nav>
        <h1>{summary.name.clone()}</h1>
        <dl class="facts">
            <dt>"dbt"</dt><dd class="dbt-version">{summary.dbt_version.clone()}</dd>
            <dt>"Manifest schema"</dt><dd>{format!("v{}", summary.schema_version)}</dd>
            {summary.generated_at.clone().map(|g| view! { <dt>"Artifacts generated"</dt><dd class="generated-at">{g}</dd> })}
            {summary.adapter_type.clone().map(|a| view! { <dt>"Adapter"</dt><dd>{a}</dd> })}
        </dl>
        <ul class="counts">
            {counts.into_iter().map(|(label, n)| view! { <li><span class="n">{n}</span>" "{label}</li> }).collect_view()}
        </ul>
        <section class="api">
            <h2>"Public models"</h2>
            {if public_models.is_empty() {
                view! { <p class="muted">"No public models: other projects cannot ref this one."</p> }.into_any()
            } else {
                view! {
                    <table class="public-models">
                        <thead><tr><th scope="col">"Model"</th><th scope="col">"Version"</th><th scope="col">"Contract"</th><th scope="col">"Description"</th></tr></thead>
                        <tbody>
                            {public_models.into_iter().map(|m| view! {
                                <tr data-unique-id=m.unique_id.clone()>
                                    <th scope="row"><a href=node_href(&m.unique_id)>{m.name.clone()}</a></th>
                                    <td>{m.version.clone().map(|v| format!("v{v} ({})", m.version_state.clone().unwrap_or_default())).unwrap_or_default()}</td>
                                    <td class=if m.contract_enforced { "contract enforced" } else { "contract none" }>{if m.contract_enforced { "enforced" } else { "none" }}</td>
                                    <td class="muted">{m.description.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
        <section class="mesh-neighbours">
            <div class="upstream"><h2>"Upstream projects"</h2>{links(upstream, "None: this project refs no other.")}</div>
            <div class="downstream"><h2>"Downstream projects"</h2>{links(downstream, "None: no other project refs this one.")}</div>
        </section>
        {(!packages.is_empty()).then(|| view! {
            <section class="packages installs"><h2>"Installs as dbt packages"</h2><PackageLinks list=packages/></section>
        })}
        {(!installed_by.is_empty()).then(|| view! {
            <section class="packages installed-by"><h2>"Installed as a dbt package by"</h2><PackageLinks list=installed_by/></section>
        })}
        <section class="project-owners">
            <h2>"Owners"</h2>
            {if owners.is_empty() {
                view! { <p class="muted">"No owners declared."</p> }.into_any()
            } else {
                view! {
                    <ul>{owners.into_iter().map(|o| view! { <li><a href=owner_href(&o.key)>{o.key.clone()}</a>" "<span class="muted">{format!("{} nodes", o.nodes)}</span></li> }).collect_view()}</ul>
                }.into_any()
            }}
        </section>
        <ColumnCoverageView coverage=column_lineage/>
        <section>
            <h2>"Findings"</h2>
            <FindingTable findings/>
        </section>
    }
}

/// How many models' SQL gave column lineage, and why the others did not.
#[component]
fn ColumnCoverageView(coverage: crate::dto::ColumnCoverage) -> impl IntoView {
    let with_sql = coverage.parsed + coverage.unavailable;
    let text = if with_sql == 0 {
        format!(
            "No compiled SQL in this project's manifest ({} models): run dbt compile, run or build.",
            coverage.no_sql
        )
    } else {
        format!(
            "{} of {with_sql} models with compiled SQL parsed ({:.1}%), {} unavailable{}.",
            coverage.parsed,
            coverage.parsed as f64 * 100.0 / with_sql as f64,
            coverage.unavailable,
            if coverage.no_sql > 0 { format!(", {} without compiled SQL", coverage.no_sql) } else { String::new() }
        )
    };
    view! {
        <section class="column-coverage" data-parsed=coverage.parsed data-unavailable=coverage.unavailable data-no-sql=coverage.no_sql>
            <h2>"Column lineage"</h2>
            <p>{text}</p>
            {(!coverage.failures.is_empty()).then(|| view! {
                <ul class="column-failures">
                    {coverage.failures.into_iter().map(|f| view! {
                        <li data-unique-id=f.unique_id.clone()>
                            <a href=crate::node_href(&f.unique_id)>{f.name.clone()}</a>": "
                            <span class="muted">{f.message.clone()}{f.line.map(|l| format!(" (line {l})"))}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

/// Projects joined by a package install, with the nodes the installer carries.
#[component]
fn PackageLinks(list: Vec<crate::dto::ProjectLink>) -> impl IntoView {
    view! {
        <ul class="project-links">
            {list.into_iter().map(|l| view! {
                <li data-project=l.project.clone()><a href=project_href(&l.project)>{l.project.clone()}</a>" "<span class="muted">{format!("{} node{} carried", l.edges, if l.edges == 1 { "" } else { "s" })}</span></li>
            }).collect_view()}
        </ul>
    }
}
