//! `/lineage?column=<unique_id>:<column>&direction=…&depth=…&expand=…`: one column's
//! lineage across projects, drawn as table cards that list only the columns involved.

mod layout;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::get_column_lineage,
    components::loaded,
    dto::ColumnLineage,
    links::{column_lineage_href, encode},
    node_href,
};
use layout::{CardKind, CARD_WIDTH, HEADER_HEIGHT, ROW_HEIGHT};

/// `uid:column` → (uid, column); a unique_id has no colon, a column name may.
pub fn split_column(param: &str) -> Option<(String, String)> {
    let (id, column) = param.split_once(':')?;
    (!id.is_empty() && !column.is_empty()).then(|| (id.to_string(), column.to_string()))
}

/// The URL of this view with other settings.
fn href(unique_id: &str, column: &str, direction: &str, depth: &str, expanded: &[String]) -> String {
    let mut url = column_lineage_href(unique_id, column);
    if !direction.is_empty() && direction != "both" {
        url.push_str(&format!("&direction={}", encode(direction)));
    }
    if !depth.is_empty() {
        url.push_str(&format!("&depth={}", encode(depth)));
    }
    if !expanded.is_empty() {
        url.push_str(&format!("&expand={}", encode(&expanded.join(","))));
    }
    url
}

#[component]
pub fn ColumnLineagePage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let expanded = move || param("expand").split(',').filter(|s| !s.is_empty()).map(str::to_string).collect::<Vec<_>>();
    let data = Resource::new(
        move || (param("column"), param("direction"), param("depth")),
        |(column, direction, depth)| async move {
            let Some((id, name)) = split_column(&column) else {
                return Err(crate::error::Error::parameter(
                    "column",
                    "give <unique_id>:<column>, for example model.platform.fct_orders:order_id",
                ));
            };
            let depth = if depth.is_empty() { Ok(10) } else { depth.parse::<usize>() };
            let depth =
                depth.map_err(|_| crate::error::Error::parameter("depth", "must be a whole number from 1 to 50"))?;
            get_column_lineage(id, name, direction, depth).await
        },
    );
    let title = move || format!("Column lineage: {}", param("column"));
    view! {
        <Title text=title/>
        <h1>"Column lineage"</h1>
        <form class="lineage-form column-lineage-form" action="/lineage" method="get">
            <input type="hidden" name="column" value=move || param("column")/>
            <label>"Direction "
                <select name="direction" aria-label="Direction">
                    {move || [("both", "up and down"), ("up", "upstream"), ("down", "downstream")].into_iter().map(|(v, l)| {
                        let current = param("direction");
                        let selected = current == v || (current.is_empty() && v == "both");
                        view! { <option value=v selected=selected>{l}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>"Depth "
                <select name="depth" aria-label="Depth">
                    {move || ["1", "2", "3", "5", "10", "50"].into_iter().map(|v| {
                        let current = param("depth");
                        let selected = current == v || (current.is_empty() && v == "10");
                        view! { <option value=v selected=selected>{v}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="submit">"Show"</button>
        </form>
        {loaded(data, "Tracing…", move |view| {
            let settings = (param("direction"), param("depth"), expanded());
            view! { <ColumnLineageResult view settings/> }
        })}
    }
}

#[component]
fn ColumnLineageResult(view: ColumnLineage, settings: (String, String, Vec<String>)) -> impl IntoView {
    let (direction, depth, expanded) = settings;
    let drawn = layout::layout(&view, &expanded);
    let focus = view.column.clone();
    let readers = view.edges.iter().filter(|e| e.source.node == focus.node).count();
    let summary = format!(
        "{} nodes in {} projects, {} column edges.",
        view.nodes.len(),
        {
            let mut p: Vec<&str> = view.nodes.iter().map(|n| n.project.as_str()).collect();
            p.sort();
            p.dedup();
            p.len()
        },
        view.edges.len()
    );
    let open_href = {
        let (focus, direction, depth, expanded) = (focus.clone(), direction.clone(), depth.clone(), expanded.clone());
        move |key: &str| {
            let mut list = expanded.clone();
            list.push(key.to_string());
            href(&focus.node, &focus.name, &direction, &depth, &list)
        }
    };
    let refocus = {
        let (direction, depth) = (direction.clone(), depth.clone());
        move |node: &str, column: &str| href(node, column, &direction, &depth, &[])
    };
    let refocus_rows = refocus.clone();
    let nodes = view.nodes.clone();
    let edges_table = view.edges.clone();
    let name_of = move |id: &str| {
        nodes.iter().find(|n| n.unique_id == id).map(|n| n.name.clone()).unwrap_or_else(|| id.to_string())
    };
    let name_rows = name_of.clone();
    // The focus card's place: with JavaScript the frame scrolls to it, as wide views
    // start with their upstream steps.
    let focus_x = drawn
        .cards
        .iter()
        .find(|c| matches!(c.kind, CardKind::Node(i) if view.nodes[i].unique_id == focus.node))
        .map_or(0, |c| c.x);
    let frame_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move || {
        if let Some(frame) = frame_ref.get() {
            frame.set_scroll_left(focus_x + CARD_WIDTH / 2 - frame.client_width() / 2);
        }
    });
    view! {
        <p class="column-lineage-focus">
            <a href=node_href(&focus.node)>{focus.node.clone()}</a>" · "<code>{focus.name.clone()}</code>
            {(readers == 0 && direction != "up").then(|| view! { " · "<span class="muted">"0 downstream columns read it"</span> })}
        </p>
        <p class="lineage-summary muted" data-nodes=view.nodes.len() data-edges=view.edges.len() data-unavailable=view.unavailable.len()>{summary}</p>
        {(!view.unavailable.is_empty()).then(|| view! {
            <p class="cut-note column-unavailable" role="status">
                "Column lineage unavailable (their SQL could not be traced), so the walk stops at: "
                {view.unavailable.iter().map(|id| view! { <a href=node_href(id) data-node=id.clone()>{id.clone()}</a>" " }).collect_view()}
            </p>
        })}
        <div class="column-lineage-frame" node_ref=frame_ref>
            <svg class="column-lineage-graph" role="img" aria-label="Column lineage"
                width=drawn.width.max(1) height=drawn.height.max(1) viewBox=format!("0 0 {} {}", drawn.width.max(1), drawn.height.max(1))>
                <g class="edges">
                    {drawn.edges.iter().map(|e| {
                        let bend = (e.x2 - e.x1) / 2;
                        let d = format!("M{} {} C{} {}, {} {}, {} {}", e.x1, e.y1, e.x1 + bend, e.y1, e.x2 - bend, e.y2, e.x2, e.y2);
                        view! { <path class=format!("column-edge kind-{}", e.kind) data-kind=e.kind.clone() d=d/> }
                    }).collect_view()}
                </g>
                {drawn.cards.iter().map(|card| match &card.kind {
                    CardKind::Node(i) => {
                        let n = &view.nodes[*i];
                        let is_focus = n.unique_id == focus.node;
                        view! {
                            <g class="column-card" class:focus=is_focus data-node=n.unique_id.clone() data-project=n.project.clone() data-depth=n.depth>
                                <rect x=card.x y=card.y width=CARD_WIDTH height=card.height rx="6"/>
                                <a href=node_href(&n.unique_id)>
                                    <text class="card-name" x=card.x + 10 y=card.y + 18>{clip(&n.name, 30)}</text>
                                </a>
                                <text class="card-project" x=card.x + 10 y=card.y + 34>{format!("{} · {}", n.project, n.resource_type)}</text>
                                {card.rows.iter().map(|row| {
                                    let here = is_focus && row.name.eq_ignore_ascii_case(&focus.name);
                                    view! {
                                        <a href=refocus(&n.unique_id, &row.name) class="column-row" class:focus=here data-column=row.name.clone()>
                                            <rect class="row-bg" x=card.x + 1 y=row.y width=CARD_WIDTH - 2 height=ROW_HEIGHT/>
                                            <text class="row-name" x=card.x + 10 y=row.y + 14>{clip(&row.name, 22)}</text>
                                            <text class="row-type" x=card.x + CARD_WIDTH - 8 y=row.y + 14 text-anchor="end">{clip(row.data_type.as_deref().unwrap_or(""), 12)}</text>
                                        </a>
                                    }
                                }).collect_view()}
                            </g>
                        }.into_any()
                    }
                    CardKind::Group { project, nodes, columns, key } => view! {
                        <a href=open_href(key) class="column-group" data-project=project.clone() data-count=*nodes>
                            <rect x=card.x y=card.y width=CARD_WIDTH height=card.height rx="6"/>
                            <text class="card-name" x=card.x + 10 y=card.y + 18>{format!("{project}: {nodes} nodes")}</text>
                            <text class="card-project" x=card.x + 10 y=card.y + 34>{format!("{columns} columns · open")}</text>
                        </a>
                    }.into_any(),
                    CardKind::More { count } => view! {
                        <g class="column-more"><text class="card-project" x=card.x + 10 y=card.y + HEADER_HEIGHT / 2>{format!("and {count} more nodes")}</text></g>
                    }.into_any(),
                }).collect_view()}
            </svg>
        </div>
        <div class="legend" aria-label="Legend">
            <span class="legend-title">"Edges:"</span>
            {["copy", "transform", "filter"].into_iter().map(|kind| view! {
                <span class="legend-item" data-edge=kind><svg width="28" height="10" aria-hidden="true"><line class=format!("column-edge kind-{kind}") x1="0" y1="5" x2="28" y2="5"/></svg>{kind}</span>
            }).collect_view()}
        </div>
        <details class="node-list column-edge-list">
            <summary>{format!("The {} column edges as a list", edges_table.len())}</summary>
            <table>
                <thead><tr><th scope="col">"Reads"</th><th scope="col">"Column"</th><th scope="col">"Kind"</th></tr></thead>
                <tbody>
                    {edges_table.into_iter().map(|e| {
                        let source = e.source.column.clone().unwrap_or_default();
                        let target = e.target.column.clone().map(|c| format!("{}.{c}", name_rows(&e.target.node))).unwrap_or_else(|| format!("{} (its rows)", name_rows(&e.target.node)));
                        view! {
                            <tr data-kind=e.kind.clone()>
                                <td><a href=refocus_rows(&e.source.node, &source)>{format!("{}.{source}", name_of(&e.source.node))}</a></td>
                                <td>{target}</td>
                                <td>{e.kind.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// Long names end in an ellipsis rather than run out of their card.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_column_parameter_is_a_unique_id_and_a_column() {
        let cases = [
            ("model.a.b:id", Some(("model.a.b", "id"))),
            ("model.a.b:weird:name", Some(("model.a.b", "weird:name"))),
            ("model.a.b", None),
            (":id", None),
            ("model.a.b:", None),
        ];
        for (param, want) in cases {
            let got = split_column(param);
            assert_eq!(got.as_ref().map(|(a, b)| (a.as_str(), b.as_str())), want, "{param}");
        }
    }

    #[test]
    fn long_names_are_clipped() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("a_very_long_column_name", 10), "a_very_lo…");
    }
}
