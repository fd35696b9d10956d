//! One drawn item of a lineage graph: a node, or a group node that opens in place.
//! Each is a link (`<a>` in the SVG) with `data-node-id` and an accessible name, so
//! it is reachable by keyboard, by screen readers and without JavaScript. It is plain
//! markup: the graph handles clicks and hovers for all its items at once, so a view of
//! 5,000 items hydrates without 5,000 sets of handlers.

use leptos::prelude::*;

use super::{ViewSettings, H, W};
use crate::{
    dto::LineageNode,
    lineage_style::{colour_in, lens_value},
    links::lineage_view_href,
};

const GROUP_FILL: &str = "#4b5563";

fn clip(text: &str, chars: usize) -> String {
    if text.chars().count() > chars {
        text.chars().take(chars - 1).collect::<String>() + "…"
    } else {
        text.to_string()
    }
}

/// The id `expand=` takes to open a group: a fan-out is opened by its owner's id.
pub fn expand_key(node: &LineageNode) -> String {
    if node.collapsed.is_some() {
        node.id.splitn(3, ':').nth(2).unwrap_or_default().to_string()
    } else {
        node.id.clone()
    }
}

#[component]
pub fn NodeBox(node: LineageNode, select: String, settings: ViewSettings, projects: Vec<String>) -> impl IntoView {
    let n = node;
    let group = n.resource_type == "group";
    let lens_colour = colour_in(&settings.lens, &lens_value(&settings.lens, &n), &projects);
    let colour = if group { GROUP_FILL } else { lens_colour };
    let (x, y) = (n.x.unwrap_or(0.0), n.y.unwrap_or(0.0));
    let name = clip(&n.name, 26);
    let name = match &n.version {
        Some(v) => format!("{name} v{v}"),
        None => name,
    };
    let counted = n.label.as_deref().and_then(|l| l.rsplit_once(" · ")).map(|(_, c)| c.to_string());
    let sub = match (group, &n.group_kind) {
        (true, Some(kind)) if kind == "children" || kind == "parents" => format!("{kind} · {}", n.project),
        (true, Some(kind)) if kind == "project" => format!("{} · project", counted.unwrap_or_default()),
        (true, _) => format!("{} · {}", counted.unwrap_or_default(), n.project),
        _ => format!("{} · {}", n.resource_type, n.project),
    };
    let href = if group {
        // Opening keeps the view and draws this group's nodes.
        let mut expanded = settings.expanded.clone();
        expanded.push(expand_key(&n));
        lineage_view_href(&select, &settings.exclude, &settings.lens, &settings.group, &expanded)
    } else {
        lineage_view_href(&format!("1+{}+1", n.id), &settings.exclude, &settings.lens, &settings.group, &[])
    };
    let breakdown = n
        .breakdown
        .as_ref()
        .map(|b| b.iter().map(|(kind, count)| format!("{count} {kind}")).collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    let tooltip = if group {
        format!("{}\n{breakdown}\nclick to open", n.label.clone().unwrap_or_else(|| n.name.clone()))
    } else {
        format!("{}\nclick to focus", n.id)
    };
    let accessible = if group {
        format!("Group {}: {breakdown}. Open it.", n.label.clone().unwrap_or_else(|| n.name.clone()))
    } else {
        format!("{} {} in {}. Focus the lineage on it.", n.resource_type, n.name, n.project)
    };
    view! {
        <g
            class="lnode"
            class:focus=n.focus
            class:more=group
            data-id=n.id.clone()
            data-group-kind=n.group_kind.clone()
            data-count=n.count
            transform=format!("translate({x:.1} {y:.1})")
        >
            <a href=href data-node-id=n.id.clone() aria-label=accessible>
                <title>{tooltip}</title>
                {group.then(|| view! { <rect class="stack" x="5" y="-5" width=W height=H rx="6" fill=GROUP_FILL opacity="0.45"/> })}
                <rect width=W height=H rx="6" fill=colour stroke=if n.focus { "#111827" } else { "none" } stroke-width="2"/>
                // A group keeps its project's colour as a band.
                {(group && matches!(settings.lens.as_str(), "project" | "")).then(|| view! { <rect class="band" width="6" height=H rx="3" fill=lens_colour/> })}
                <text class="name" x="10" y="16" fill="#ffffff" font-size="13" font-weight="600" font-family="system-ui, sans-serif">{name}</text>
                <text class="sub" x="10" y="31" fill="#f3f4f6" font-size="11" font-family="system-ui, sans-serif">{clip(&sub, 34)}</text>
            </a>
        </g>
    }
}
