use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{api::get_governance, components::loaded, dto::Finding, dto::GovernanceView, node_href, project_href};

/// `/governance`: every finding of the index, by kind and project, and how much of
/// each project's API has an enforced contract.
#[component]
pub fn GovernancePage() -> impl IntoView {
    let view_data = Resource::new(|| (), |_| get_governance());
    view! {
        <Title text="Governance"/>
        <h1>"Governance"</h1>
        {loaded(view_data, "Loading…", |g| view! { <Governance data=g/> })}
    }
}

/// What each kind of finding means, for readers who did not write the rule.
pub fn kind_title(kind: &str) -> &'static str {
    match kind {
        "private_ref" => "Refs to a private model from outside its group",
        "protected_ref" => "Refs to a protected model from another project",
        "deprecated_ref" => "Refs to a deprecated model version",
        "unpinned_ref" => "Unpinned refs to a versioned model",
        "public_without_contract" => "Public models without an enforced contract",
        "contract_type_mismatch" => "Contract types the warehouse does not have",
        "missing_latest_version" => "Versioned models missing their latest version",
        "source_reads_model" => "Sources that read another project's model (not a ref: no access rule applies)",
        "duplicate_node" => "Nodes two installers define with their files",
        _ => "Other findings",
    }
}

#[component]
fn Governance(data: GovernanceView) -> impl IntoView {
    let GovernanceView { findings, coverage, project_cycles } = data;
    let mut per_project: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut kinds: Vec<String> = Vec::new();
    for f in &findings {
        *per_project.entry(f.project.clone()).or_default().entry(f.kind.clone()).or_default() += 1;
        if !kinds.contains(&f.kind) {
            kinds.push(f.kind.clone());
        }
    }
    let total = findings.len();
    view! {
        <p class="muted">{format!("{total} finding{} across {} project{}.", if total == 1 { "" } else { "s" }, per_project.len(), if per_project.len() == 1 { "" } else { "s" })}</p>
        <section class="coverage">
            <h2>"Contract coverage of public models"</h2>
            <table>
                <thead><tr><th scope="col">"Project"</th><th scope="col" class="num">"Public models"</th><th scope="col" class="num">"With enforced contract"</th><th scope="col" class="num">"Coverage"</th></tr></thead>
                <tbody>
                    {coverage.into_iter().map(|c| {
                        let pct = if c.public_models == 0 { "—".to_string() } else { format!("{:.0}%", 100.0 * c.contracted_public_models as f64 / c.public_models as f64) };
                        view! {
                            <tr data-project=c.project.clone()>
                                <th scope="row"><a href=project_href(&c.project)>{c.project.clone()}</a></th>
                                <td class="num">{c.public_models}</td>
                                <td class="num">{c.contracted_public_models}</td>
                                <td class="num coverage-pct">{pct}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section class="per-project">
            <h2>"Findings per project"</h2>
            <table>
                <thead><tr><th scope="col">"Project"</th>{kinds.iter().map(|k| view! { <th scope="col" class="num">{k.clone()}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {per_project.into_iter().map(|(project, counts)| view! {
                        <tr data-project=project.clone()>
                            <th scope="row"><a href=project_href(&project)>{project.clone()}</a></th>
                            {kinds.iter().map(|k| view! { <td class="num" data-kind=k.clone()>{counts.get(k).copied().unwrap_or(0)}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        {(!project_cycles.is_empty()).then(|| view! {
            <section class="cycles">
                <h2>"Project cycles"</h2>
                <ul>{project_cycles.into_iter().map(|c| view! { <li>{c.join(" ⇄ ")}</li> }).collect_view()}</ul>
            </section>
        })}
        <FindingTable findings/>
    }
}

/// Findings grouped by kind, each linked to the nodes involved.
#[component]
pub fn FindingTable(findings: Vec<Finding>) -> impl IntoView {
    if findings.is_empty() {
        return view! { <p class="muted">"No findings."</p> }.into_any();
    }
    let mut by_kind: Vec<(String, Vec<Finding>)> = Vec::new();
    for f in findings {
        match by_kind.iter_mut().find(|(k, _)| *k == f.kind) {
            Some((_, list)) => list.push(f),
            None => by_kind.push((f.kind.clone(), vec![f])),
        }
    }
    view! {
        <div class="findings-by-kind">
            {by_kind.into_iter().map(|(kind, list)| view! {
                <section class="finding-kind" data-kind=kind.clone()>
                    <h3>{kind_title(&kind)}" "<span class="badge">{kind.clone()}</span>" "<span class="muted">{list.len()}</span></h3>
                    {if list.len() > LISTED_WHOLE { view! { <FindingPairs list/> }.into_any() } else { view! { <FindingList list/> }.into_any() }}
                </section>
            }).collect_view()}
        </div>
    }
    .into_any()
}

/// A kind with more findings than this is shown as counts per pair of projects, each
/// pair's list folded: hundreds of lines would bury the other kinds.
const LISTED_WHOLE: usize = 50;

#[component]
fn FindingList(list: Vec<Finding>) -> impl IntoView {
    view! {
        <ul>
            {list.into_iter().map(|f| view! {
                <li class=format!("finding {}", f.severity)>
                    <a href=node_href(&f.node)>{f.node.clone()}</a>
                    {f.other.clone().map(|o| view! { " → "<a href=node_href(&o)>{o.clone()}</a> })}
                    ": "{f.message.clone()}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// Findings counted by (project of the other node, project of the node), most first,
/// each pair's findings in a `<details>` that opens without JavaScript.
#[component]
fn FindingPairs(list: Vec<Finding>) -> impl IntoView {
    let mut pairs: BTreeMap<(String, String), Vec<Finding>> = BTreeMap::new();
    for f in list {
        let from = f.other_project.clone().unwrap_or_else(|| f.project.clone());
        pairs.entry((from, f.project.clone())).or_default().push(f);
    }
    let mut pairs: Vec<((String, String), Vec<Finding>)> = pairs.into_iter().collect();
    pairs.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    view! {
        <div class="finding-pairs">
            {pairs.into_iter().map(|((from, to), list)| view! {
                <details class="finding-pair" data-from=from.clone() data-to=to.clone()>
                    <summary>
                        <a href=project_href(&from)>{from.clone()}</a>" → "<a href=project_href(&to)>{to.clone()}</a>
                        " "<span class="count">{format!("{} finding{}", list.len(), if list.len() == 1 { "" } else { "s" })}</span>
                    </summary>
                    <FindingList list/>
                </details>
            }).collect_view()}
        </div>
    }
}
