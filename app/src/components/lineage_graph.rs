use std::collections::{HashMap, HashSet, VecDeque};

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::{
    dto::{LineageNode, LineageView},
    lineage_style::{edge_style, lens_colour, lens_value},
    links::lineage_href,
};

const W: f64 = 220.0;
const H: f64 = 38.0;
const PAD: f64 = 24.0;

/// Where a click on the graph leads: the view's own settings, so a focused or
/// expanded view keeps them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewSettings {
    pub exclude: String,
    pub lens: String,
    pub expanded: Vec<String>,
}

/// The lineage graph as SVG. Server-rendered it is a static picture; hydrated it pans
/// (drag), zooms (wheel, around the cursor), fits, highlights a node's paths on hover,
/// focuses a node on click and expands a "+N more" node.
#[component]
pub fn LineageGraph(
    view: LineageView,
    settings: ViewSettings,
    #[prop(default = false)] compact: bool,
) -> impl IntoView {
    let (tx, set_tx) = signal(0.0f64);
    let (ty, set_ty) = signal(0.0f64);
    let (scale, set_scale) = signal(1.0f64);
    let (hovered, set_hovered) = signal(None::<String>);
    let drag = StoredValue::new(None::<(f64, f64, f64, f64)>);
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let download_ref = NodeRef::<leptos::html::A>::new();
    let navigate = use_navigate();

    let (width, height) = (view.width + 2.0 * PAD, view.height + 2.0 * PAD);
    // Paths through each node, for hover highlighting.
    let mut down: HashMap<String, Vec<String>> = HashMap::new();
    let mut up: HashMap<String, Vec<String>> = HashMap::new();
    for e in &view.edges {
        down.entry(e.source.clone()).or_default().push(e.target.clone());
        up.entry(e.target.clone()).or_default().push(e.source.clone());
    }
    let reach = move |start: &str| -> HashSet<String> {
        let mut seen: HashSet<String> = HashSet::from([start.to_string()]);
        for map in [&down, &up] {
            let mut queue = VecDeque::from([start.to_string()]);
            while let Some(n) = queue.pop_front() {
                for m in map.get(&n).into_iter().flatten() {
                    if seen.insert(m.clone()) {
                        queue.push_back(m.clone());
                    }
                }
            }
        }
        seen
    };
    let lit = Memo::new(move |_| hovered.get().map(|h| reach(&h)));

    // Client pixels to SVG user units (the viewBox is fitted with xMinYMin meet).
    let to_user = move |client_x: f64, client_y: f64| -> Option<(f64, f64, f64)> {
        let svg = svg_ref.get_untracked()?;
        let rect = svg.get_bounding_client_rect();
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return None;
        }
        let k = (width / rect.width()).max(height / rect.height());
        Some(((client_x - rect.left()) * k - PAD, (client_y - rect.top()) * k - PAD, k))
    };
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        ev.prevent_default();
        let Some((ux, uy, _)) = to_user(f64::from(ev.client_x()), f64::from(ev.client_y())) else { return };
        let old = scale.get_untracked();
        let new = (old * if ev.delta_y() < 0.0 { 1.2 } else { 1.0 / 1.2 }).clamp(0.05, 8.0);
        let f = new / old;
        set_tx.set(ux - (ux - tx.get_untracked()) * f);
        set_ty.set(uy - (uy - ty.get_untracked()) * f);
        set_scale.set(new);
    };
    let on_down = move |ev: leptos::ev::PointerEvent| {
        drag.set_value(Some((
            f64::from(ev.client_x()),
            f64::from(ev.client_y()),
            tx.get_untracked(),
            ty.get_untracked(),
        )));
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        if let Some((x0, y0, tx0, ty0)) = drag.get_value() {
            if let Some((_, _, k)) = to_user(f64::from(ev.client_x()), f64::from(ev.client_y())) {
                set_tx.set(tx0 + (f64::from(ev.client_x()) - x0) * k);
                set_ty.set(ty0 + (f64::from(ev.client_y()) - y0) * k);
            }
        }
    };
    let on_up = move |_| drag.set_value(None);
    let fit = move |_| {
        set_tx.set(0.0);
        set_ty.set(0.0);
        set_scale.set(1.0);
    };
    let export = move |_| {
        #[cfg(feature = "hydrate")]
        if let (Some(svg), Some(a)) = (svg_ref.get_untracked(), download_ref.get_untracked()) {
            let markup = svg.outer_html();
            a.set_href(&format!("data:image/svg+xml;charset=utf-8,{}", crate::encode(&markup)));
            a.click();
        }
    };

    let node_by_id: HashMap<String, (f64, f64)> =
        view.nodes.iter().map(|n| (n.id.clone(), (n.x.unwrap_or(0.0), n.y.unwrap_or(0.0)))).collect();
    let edges = view
        .edges
        .iter()
        .filter_map(|e| {
            let (sx, sy) = node_by_id.get(&e.source)?;
            let (tx, ty) = node_by_id.get(&e.target)?;
            let (x1, y1, x2, y2) = (sx + W, sy + H / 2.0, *tx, ty + H / 2.0);
            let mid = (x1 + x2) / 2.0;
            let d = format!("M{x1:.1} {y1:.1} C{mid:.1} {y1:.1} {mid:.1} {y2:.1} {x2:.1} {y2:.1}");
            let (stroke, stroke_width, dash) = edge_style(&e.kind);
            let (source, target) = (e.source.clone(), e.target.clone());
            let class = format!("ledge {}", e.kind);
            Some(view! {
                <path
                    class=class
                    class:dim=move || lit.get().is_some_and(|l| !(l.contains(&source) && l.contains(&target)))
                    d=d
                    fill="none"
                    stroke=stroke
                    stroke-width=stroke_width
                    stroke-dasharray=dash
                    marker-end="url(#arrow)"
                />
            })
        })
        .collect_view();

    let lens = settings.lens.clone();
    let nodes = view
        .nodes
        .iter()
        .map(|n: &LineageNode| {
            let colour = if n.collapsed.is_some() { "#6b7280" } else { lens_colour(&lens, &lens_value(&lens, n)) };
            let (x, y) = (n.x.unwrap_or(0.0), n.y.unwrap_or(0.0));
            let label: String = if n.name.chars().count() > 26 { n.name.chars().take(25).collect::<String>() + "…" } else { n.name.clone() };
            let label = match &n.version {
                Some(v) => format!("{label} v{v}"),
                None => label,
            };
            let sub = format!("{} · {}", n.resource_type, n.project);
            let target = match &n.collapsed {
                // Expanding keeps the view and draws this fan-out in full.
                Some(_) => {
                    let owner = n.id.splitn(3, ':').nth(2).unwrap_or_default().to_string();
                    let mut expanded = settings.expanded.clone();
                    expanded.push(owner);
                    lineage_href(&view.select, &settings.exclude, &settings.lens, &expanded)
                }
                None => lineage_href(&format!("1+{}+1", n.id), &settings.exclude, &settings.lens, &[]),
            };
            let navigate = navigate.clone();
            let id = n.id.clone();
            let (enter_id, dim_id) = (n.id.clone(), n.id.clone());
            view! {
                <g
                    class="lnode"
                    class:focus=n.focus
                    class:more=n.collapsed.is_some()
                    class:dim=move || lit.get().is_some_and(|l| !l.contains(&dim_id))
                    data-id=id
                    transform=format!("translate({x:.1} {y:.1})")
                    on:click=move |_| navigate(&target, Default::default())
                    on:mouseenter=move |_| set_hovered.set(Some(enter_id.clone()))
                    on:mouseleave=move |_| set_hovered.set(None)
                >
                    <title>{format!("{}\n{}", n.id, if n.collapsed.is_some() { "click to expand" } else { "click to focus" })}</title>
                    <rect width=W height=H rx="6" fill=colour stroke=if n.focus { "#111827" } else { "none" } stroke-width="2"/>
                    <text x="10" y="16" fill="#ffffff" font-size="13" font-weight="600" font-family="system-ui, sans-serif">{label}</text>
                    <text x="10" y="31" fill="#f3f4f6" font-size="10.5" font-family="system-ui, sans-serif">{sub}</text>
                </g>
            }
        })
        .collect_view();

    let style = if compact {
        format!("height: {}px", (height).clamp(120.0, 320.0))
    } else {
        format!("height: min(72vh, {}px)", height.max(200.0))
    };
    view! {
        <div class="lineage-graph" class:compact=compact>
            {(!compact).then(|| view! {
                <div class="graph-tools">
                    <button type="button" class="fit" on:click=fit>"Fit to screen"</button>
                    <button type="button" class="export" on:click=export>"Export SVG"</button>
                    <a node_ref=download_ref class="download" download="lineage.svg" href="#" aria-hidden="true"></a>
                    <span class="muted zoom">{move || format!("{:.0}%", scale.get() * 100.0)}</span>
                </div>
            })}
            <svg
                node_ref=svg_ref
                xmlns="http://www.w3.org/2000/svg"
                class="lineage-svg"
                role="img"
                aria-label="Lineage graph"
                viewBox=format!("{:.0} {:.0} {width:.0} {height:.0}", -PAD, -PAD)
                preserveAspectRatio="xMinYMin meet"
                style=style
                on:wheel=on_wheel
                on:pointerdown=on_down
                on:pointermove=on_move
                on:pointerup=on_up
                on:pointerleave=on_up
            >
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" fill="#8b95a1"/>
                    </marker>
                </defs>
                <g class="viewport" transform=move || format!("translate({:.2} {:.2}) scale({:.4})", tx.get(), ty.get(), scale.get())>
                    {edges}
                    {nodes}
                </g>
            </svg>
        </div>
    }
}
