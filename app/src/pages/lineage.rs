use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::get_lineage,
    components::{loaded, LineageGraph, ViewSettings},
    dto::LineageView,
    lineage_style::{colour_in, edge_style, lens_value, LENSES},
    links::{lineage_href, lineage_view_href},
    node_href,
};

/// `N+name+M` from a bare selector and the depth controls; a selector that already
/// walks the graph is left as written.
pub fn with_depth(select: &str, up: &str, down: &str) -> String {
    let select = select.trim();
    let single = !select.is_empty() && !select.contains([' ', ',', '+', '@']);
    if !single {
        return select.to_string();
    }
    let depth = |d: &str| match d {
        "all" => Some(String::new()),
        d if d.parse::<u32>().is_ok() => Some(d.to_string()),
        _ => None,
    };
    let before = depth(up).map(|d| format!("{d}+")).unwrap_or_default();
    let after = depth(down).map(|d| format!("+{d}")).unwrap_or_default();
    format!("{before}{select}{after}")
}

/// The choices of `group=`, as the "Group by" control offers them.
const GROUPINGS: [(&str, &str); 7] = [
    ("auto", "what does not fit"),
    ("project", "project"),
    ("folder", "folder"),
    ("source", "source"),
    ("schema", "schema"),
    ("type", "resource type"),
    ("none", "nothing"),
];

/// `/lineage`: a column's lineage with `column=`, else the nodes a selector picks.
#[component]
pub fn LineagePage() -> impl IntoView {
    let query = use_query_map();
    let by_column = move || query.read().get("column").is_some();
    move || {
        if by_column() {
            view! { <super::column_lineage::ColumnLineagePage/> }.into_any()
        } else {
            view! { <SelectorLineage/> }.into_any()
        }
    }
}

/// `/lineage?select=…&exclude=…&up=…&down=…&lens=…&group=…&expand=…`: the whole
/// view is in the URL, so any view can be shared.
#[component]
fn SelectorLineage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let select = move || with_depth(&param("select"), &param("up"), &param("down"));
    let expanded_list =
        move || param("expand").split(',').filter(|s| !s.is_empty()).map(str::to_string).collect::<Vec<_>>();
    let lens = move || {
        let lens = param("lens");
        if LENSES.iter().any(|(key, _)| *key == lens) {
            lens
        } else {
            "project".to_string()
        }
    };
    let view_data = Resource::new(
        move || (select(), param("exclude"), param("group"), param("expand")),
        |(select, exclude, group, expanded)| async move {
            if select.trim().is_empty() {
                Ok(LineageView::default())
            } else {
                get_lineage(select, exclude, group, expanded).await
            }
        },
    );
    let depth_options = |current: String| {
        [("", "—"), ("1", "1"), ("2", "2"), ("3", "3"), ("all", "all")]
            .into_iter()
            .map(|(value, label)| {
                let selected = current == value;
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <Title text="Lineage"/>
        <h1>"Lineage"</h1>
        <form class="lineage-form" action="/lineage" method="get">
            <label class="grow">"Select "<input type="text" name="select" value=move || param("select") prop:value=move || param("select") placeholder="+fct_orders+  tag:finance  project:marketing" aria-label="Selector"/></label>
            <label>"Exclude "<input type="text" name="exclude" value=move || param("exclude") prop:value=move || param("exclude") placeholder="resource_type:seed" aria-label="Exclude"/></label>
            <label>"Upstream "<select name="up" aria-label="Upstream depth">{move || depth_options(param("up"))}</select></label>
            <label>"Downstream "<select name="down" aria-label="Downstream depth">{move || depth_options(param("down"))}</select></label>
            <label>"Colour by "
                <select name="lens" aria-label="Lens">
                    {move || LENSES.iter().map(|(key, label)| {
                        let selected = lens() == *key;
                        view! { <option value=*key selected=selected>{*label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>"Group by "
                <select name="group" aria-label="Group by">
                    {move || GROUPINGS.iter().map(|(key, label)| {
                        let current = param("group");
                        let selected = current == *key || (current.is_empty() && *key == "auto");
                        view! { <option value=*key selected=selected>{*label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="submit">"Show"</button>
        </form>
        {loaded(view_data, "Laying out…", move |value| match value {
            v if v.select.is_empty() => view! { <LineageHelp/> }.into_any(),
            v => {
                let settings = ViewSettings { exclude: param("exclude"), lens: lens(), group: param("group"), expanded: expanded_list() };
                view! { <LineageResult view=v settings/> }.into_any()
            }
        })}
    }
}

#[component]
fn LineageHelp() -> impl IntoView {
    let examples = [
        ("+fct_orders+", "fct_orders with everything up- and downstream"),
        ("2+revenue_by_month", "two hops upstream of a model"),
        ("@dim_customers", "a model, its descendants and their ancestors"),
        ("project:marketing", "one project"),
        ("access:public,resource_type:model", "every public model"),
        ("tag:finance-critical+1", "tagged nodes and their children"),
    ];
    view! {
        <p>"Write a selector as you would for " <code>"dbt ls --select"</code> ": " <code>"name"</code> ", " <code>"+name"</code> ", "
            <code>"name+2"</code> ", " <code>"@name"</code> ", " <code>"method:value"</code> " (tag, project, package, group, access, resource_type, path, version, owner, config.materialized), a space for union and a comma for intersection."</p>
        <ul class="examples">
            {examples.into_iter().map(|(s, what)| view! { <li><a href=lineage_href(s, "", "", &[])><code>{s}</code></a>" — "{what}</li> }).collect_view()}
        </ul>
        <p><a href="/mesh">"Or start from the mesh of projects."</a></p>
    }
}

/// How an opened id reads in "collapse …" links: a group by what it holds, a fan-out
/// by its owner's name.
fn opened_name(id: &str) -> String {
    match id.strip_prefix("group:") {
        Some(rest) => {
            let mut parts = rest.splitn(3, ':');
            let (kind, project, key) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next());
            match key {
                Some(key) => format!("{kind} {key} ({project})"),
                None => format!("{kind} {project}"),
            }
        }
        None => id.rsplit('.').next().unwrap_or(id).to_string(),
    }
}

fn summary(view: &LineageView) -> String {
    let drawn = view.nodes.iter().filter(|n| n.resource_type != "group").count();
    let groups = view.nodes.len() - drawn;
    let plural = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut text = format!("{} selected: {drawn} drawn", plural(view.selected, "node"));
    if groups > 0 {
        text.push_str(&format!(", {} in {} (click one to open it)", view.grouped, plural(groups as u64, "group")));
    }
    if view.cut > 0 {
        text.push_str(&format!(", {} not drawn", view.cut));
    }
    text.push('.');
    text
}

#[component]
fn LineageResult(view: LineageView, settings: ViewSettings) -> impl IntoView {
    let mut legend: BTreeMap<String, &'static str> = BTreeMap::new();
    for n in view.nodes.iter().filter(|n| n.resource_type != "group") {
        let value = lens_value(&settings.lens, n);
        legend.insert(value.clone(), colour_in(&settings.lens, &value, &view.projects));
    }
    let has_groups = view.nodes.iter().any(|n| n.resource_type == "group");
    let nodes_table = view.nodes.clone();
    let lens = settings.lens.clone();
    let href = {
        let (select, settings) = (view.select.clone(), settings.clone());
        move |select_: Option<&str>, expanded: &[String]| {
            lineage_view_href(select_.unwrap_or(&select), &settings.exclude, &settings.lens, &settings.group, expanded)
        }
    };
    let row_href = href.clone();
    view! {
        <p class="lineage-summary muted" data-selected=view.selected data-grouped=view.grouped data-cut=view.cut>{summary(&view)}</p>
        {view.cut_reason.clone().map(|r| view! { <p class="cut-note" role="status">{r}</p> })}
        {(!settings.expanded.is_empty()).then(|| {
            let links = settings.expanded.iter().map(|id| {
                let rest: Vec<String> = settings.expanded.iter().filter(|x| *x != id).cloned().collect();
                view! { " "<a class="collapse-link" href=href(None, &rest)>{format!("collapse {}", opened_name(id))}</a> }
            }).collect_view();
            view! { <p class="expanded-note muted">"Opened:"{links}</p> }
        })}
        {if view.nodes.is_empty() {
            view! { <p class="muted">"The selector matches no node."</p> }.into_any()
        } else {
            view! { <LineageGraph view=view.clone() settings=settings.clone()/> }.into_any()
        }}
        <div class="legend" aria-label="Legend">
            <span class="legend-title">{LENSES.iter().find(|(k, _)| *k == lens).map(|(_, l)| *l).unwrap_or("Project")}":"</span>
            {legend.into_iter().map(|(value, colour)| view! {
                <span class="legend-item" data-value=value.clone()><span class="swatch" style=format!("background:{colour}")></span>{value.clone()}</span>
            }).collect_view()}
            {has_groups.then(|| view! {
                <span class="legend-item" data-value="group"><span class="swatch group" style="background:#4b5563"></span>"group (click to open)"</span>
            })}
            <span class="legend-title">"Edges:"</span>
            {["ref", "cross_project", "inferred"].into_iter().map(|kind| {
                let (stroke, width, dash) = edge_style(kind);
                view! {
                    <span class="legend-item" data-edge=kind>
                        <svg width="28" height="10" aria-hidden="true"><line x1="0" y1="5" x2="28" y2="5" stroke=stroke stroke-width=width stroke-dasharray=dash/></svg>
                        {kind.replace('_', "-")}
                    </span>
                }
            }).collect_view()}
        </div>
        <details class="node-list">
            <summary>{format!("The {} nodes and groups in this view", nodes_table.len())}</summary>
            <table>
                <thead><tr><th scope="col">"Node"</th><th scope="col">"Type"</th><th scope="col">"Project"</th><th scope="col">"Open"</th></tr></thead>
                <tbody>
                    {nodes_table.into_iter().map(|n| {
                        if n.resource_type == "group" {
                            let mut expanded = settings.expanded.clone();
                            expanded.push(crate::components::expand_key(&n));
                            let breakdown = n.breakdown.clone().unwrap_or_default().iter()
                                .map(|(kind, count)| format!("{count} {kind}")).collect::<Vec<_>>().join(", ");
                            view! {
                                <tr class="group-row" data-id=n.id.clone() data-count=n.count>
                                    <th scope="row">{n.label.clone().unwrap_or(n.name.clone())}</th>
                                    <td>{format!("group by {}: {breakdown}", n.group_kind.clone().unwrap_or_default())}</td>
                                    <td>{n.project.clone()}</td>
                                    <td><a class="open-link" href=row_href(None, &expanded)>"open"</a></td>
                                </tr>
                            }.into_any()
                        } else {
                            let focus = row_href(Some(&format!("1+{}+1", n.id)), &[]);
                            view! {
                                <tr data-id=n.id.clone()>
                                    <th scope="row"><a href=node_href(&n.id)>{n.name.clone()}</a></th>
                                    <td>{n.resource_type.clone()}</td>
                                    <td>{n.project.clone()}</td>
                                    <td><a class="focus-link" href=focus>"focus"</a></td>
                                </tr>
                            }.into_any()
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::with_depth;

    #[test]
    fn depth_controls_wrap_a_bare_selector() {
        assert_eq!(with_depth("orders", "2", "1"), "2+orders+1");
        assert_eq!(with_depth("orders", "all", ""), "+orders");
        assert_eq!(with_depth("orders", "", "all"), "orders+");
        assert_eq!(with_depth("orders", "", ""), "orders");
        assert_eq!(with_depth("+orders", "2", "2"), "+orders", "a selector that walks is kept");
        assert_eq!(with_depth("a b", "1", "1"), "a b");
        assert_eq!(with_depth("  ", "1", "1"), "");
    }
}
