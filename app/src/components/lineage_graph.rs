mod minimap;
mod node_box;
pub use node_box::expand_key;
mod pan_zoom;

use std::collections::{HashMap, HashSet, VecDeque};

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::{dto::LineageView, lineage_style::edge_style};
use minimap::Minimap;
use node_box::NodeBox;
use pan_zoom::{Camera, Level};

pub(crate) const W: f64 = 220.0;
pub(crate) const H: f64 = 38.0;
pub(crate) const PAD: f64 = 24.0;

/// Where a click on the graph leads: the view's own settings, so a focused or
/// expanded view keeps them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewSettings {
    pub exclude: String,
    pub lens: String,
    /// `group=`: empty is auto.
    pub group: String,
    pub expanded: Vec<String>,
}

/// The lineage graph as SVG, drawn at its natural size (labels at 13 and 11 CSS px).
/// Server-rendered it scrolls; hydrated it opens on the focus, pans (drag), zooms
/// (wheel, around the cursor) with detail added as labels become legible, fits,
/// highlights a node's paths on hover, focuses a node on click and opens a group.
/// A minimap shows the whole view and where the frame is.
#[component]
pub fn LineageGraph(
    view: LineageView,
    settings: ViewSettings,
    #[prop(default = false)] compact: bool,
) -> impl IntoView {
    let (hovered, set_hovered) = signal(None::<String>);
    let frame_ref = NodeRef::<leptos::html::Div>::new();
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let download_ref = NodeRef::<leptos::html::A>::new();
    let (width, height) = (view.width + 2.0 * PAD, view.height + 2.0 * PAD);
    let camera = Camera::new(frame_ref, width, height);

    // Open on the focus (or the first node) once the frame's size is known.
    let start =
        view.nodes.iter().find(|n| n.focus).or(view.nodes.first()).map(|n| (n.x.unwrap_or(0.0), n.y.unwrap_or(0.0)));
    Effect::new(move |_| camera.open_at(start));

    // Paths through the hovered node are lit, the rest dimmed: one pass over the drawn
    // items when the hovered node changes, not a reactive class on each.
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
    Effect::new(move |_| {
        let lit = hovered.get().map(|h| reach(&h));
        #[cfg(feature = "hydrate")]
        if let Some(svg) = svg_ref.get_untracked() {
            highlight(&svg, lit.as_ref());
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = lit;
    });

    // Hovers and clicks of every item, handled once for the whole graph.
    let on_over = move |ev: leptos::ev::MouseEvent| {
        if camera.is_still() {
            set_hovered.set(item_of(&ev, "data-id"));
        }
    };
    let on_out = move |ev: leptos::ev::MouseEvent| {
        if camera.is_still() && (ev.related_target().is_none() || item_of(&ev, "data-id").is_some()) {
            set_hovered.set(None);
        }
    };
    let navigate = use_navigate();
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(href) = item_of(&ev, "href") else { return };
        // The end of a drag over a node is not a click on it; a modified click is the
        // browser's (a new tab).
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        if !camera.dragged() {
            navigate(&href, Default::default());
        }
    };

    let export = move |_| {
        #[cfg(feature = "hydrate")]
        if let (Some(svg), Some(a)) = (svg_ref.get_untracked(), download_ref.get_untracked()) {
            let markup = svg.outer_html();
            a.set_href(&format!("data:image/svg+xml;charset=utf-8,{}", crate::encode(&markup)));
            a.click();
        }
    };

    let node_by_id: HashMap<&str, (f64, f64)> =
        view.nodes.iter().map(|n| (n.id.as_str(), (n.x.unwrap_or(0.0), n.y.unwrap_or(0.0)))).collect();
    let edges = view
        .edges
        .iter()
        .filter_map(|e| {
            let (sx, sy) = node_by_id.get(e.source.as_str())?;
            let (tx, ty) = node_by_id.get(e.target.as_str())?;
            let (x1, y1, x2, y2) = (sx + W, sy + H / 2.0, *tx, ty + H / 2.0);
            let mid = (x1 + x2) / 2.0;
            let d = format!("M{x1:.1} {y1:.1} C{mid:.1} {y1:.1} {mid:.1} {y2:.1} {x2:.1} {y2:.1}");
            let (stroke, stroke_width, dash) = edge_style(&e.kind);
            // A bundle of edges to or from a group is drawn thicker, with its count.
            let stroke_width = match e.count {
                Some(c) if c > 1 => {
                    format!("{:.1}", stroke_width.parse::<f64>().unwrap_or(1.4) + (c as f64).log2().min(3.0))
                }
                _ => stroke_width.to_string(),
            };
            let class = format!("ledge {}", e.kind);
            let title = e.count.map(|c| format!("{c} edge{}", if c == 1 { "" } else { "s" }));
            Some(view! {
                <path
                    class=class
                    data-source=e.source.clone()
                    data-target=e.target.clone()
                    data-count=e.count
                    d=d
                    fill="none"
                    stroke=stroke
                    stroke-width=stroke_width
                    stroke-dasharray=dash
                    marker-end="url(#arrow)"
                >
                    {title.map(|t| view! { <title>{t}</title> })}
                </path>
            })
        })
        .collect_view();

    let nodes = view
        .nodes
        .iter()
        .map(|n| view! { <NodeBox node=n.clone() select=view.select.clone() settings=settings.clone() projects=view.projects.clone()/> })
        .collect_view();

    let frame_height = if compact { height.clamp(120.0, 320.0) } else { height.clamp(200.0, 640.0) };
    view! {
        <div class="lineage-graph" class:compact=compact>
            {(!compact).then(|| view! {
                <div class="graph-tools">
                    <button type="button" class="fit" on:click=move |_| camera.fit()>"Fit to screen"</button>
                    <button type="button" class="actual" on:click=move |_| camera.open_at(start)>"Actual size"</button>
                    <button type="button" class="export" on:click=export>"Export SVG"</button>
                    <a node_ref=download_ref class="download" download="lineage.svg" href="#" aria-hidden="true"></a>
                    <span class="muted zoom">{move || format!("{:.0}%", camera.scale.get() * 100.0)}</span>
                </div>
            })}
            <div
                node_ref=frame_ref
                class="graph-frame"
                class:interactive=move || camera.frame.get().is_some()
                style=format!("height: {frame_height:.0}px")
                on:wheel=move |ev| camera.on_wheel(ev)
                on:pointerdown=move |ev| camera.on_down(ev)
                on:pointermove=move |ev| camera.on_move(ev)
                on:pointerup=move |_| camera.on_up()
                on:pointerenter=move |_| camera.on_enter()
                on:pointerleave=move |_| camera.on_leave()
            >
                <div class="graph-canvas" class:layered=move || camera.layered.get() style=move || camera.transform()>
                <svg
                    node_ref=svg_ref
                    xmlns="http://www.w3.org/2000/svg"
                    class=move || format!("lineage-svg {}{}", camera.level().class(), if camera.zooming.get() { " zooming" } else { "" })
                    style=move || format!("--zoom: {:.4}", camera.settled.get())
                    role="group"
                    aria-label=format!("Lineage graph: {} nodes and groups", view.nodes.len())
                    width=format!("{width:.0}")
                    height=format!("{height:.0}")
                    viewBox=format!("{:.0} {:.0} {width:.0} {height:.0}", -PAD, -PAD)
                    on:mouseover=on_over
                    on:mouseout=on_out
                    on:click=on_click
                >
                    <defs>
                        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" fill="#8b95a1"/>
                        </marker>
                    </defs>
                    <g class="viewport">
                        {edges}
                        {nodes}
                    </g>
                </svg>
                </div>
            </div>
            {(!compact).then(|| view! { <Minimap view=view.clone() lens=settings.lens.clone() camera/> })}
        </div>
    }
}

/// The `attribute` of the drawn item (`g.lnode` for data-id, its link for href) an
/// event happened in, if any.
fn item_of(ev: &leptos::ev::MouseEvent, attribute: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
        let selector = if attribute == "href" { "a[data-node-id]" } else { "g.lnode" };
        target.closest(selector).ok()??.get_attribute(attribute)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (ev, attribute);
        None
    }
}

/// Dims every node and edge off the lit paths, or undims all.
#[cfg(feature = "hydrate")]
fn highlight(svg: &web_sys::Element, lit: Option<&HashSet<String>>) {
    use wasm_bindgen::JsCast;
    let Ok(items) = svg.query_selector_all("g.lnode, path.ledge") else { return };
    for i in 0..items.length() {
        let Some(el) = items.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
        let dim = lit.is_some_and(|lit| match el.get_attribute("data-id") {
            Some(id) => !lit.contains(&id),
            None => {
                let (s, t) = (
                    el.get_attribute("data-source").unwrap_or_default(),
                    el.get_attribute("data-target").unwrap_or_default(),
                );
                !(lit.contains(&s) && lit.contains(&t))
            }
        });
        let _ = el.class_list().toggle_with_force("dim", dim);
    }
}

impl Level {
    fn class(self) -> &'static str {
        match self {
            Level::Full => "lod-full",
            Level::Names => "lod-names",
            Level::Boxes => "lod-boxes",
        }
    }
}
