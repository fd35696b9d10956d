//! A diff report as terminal text and as the markdown a reviewer pastes into a
//! pull request. JSON is the report itself, serialised.

use model::dto::{Change, ColumnConsumer, DiffReport, DownstreamNode};

/// Downstream nodes listed per change before "and N more".
const LISTED: usize = 25;

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn pin(d: &DownstreamNode) -> String {
    match (&d.pinned_version, d.pinned_version_exists) {
        (Some(v), Some(false)) => format!(", pins v{v}, which the head no longer has"),
        (Some(v), _) => format!(", pins v{v}"),
        _ => String::new(),
    }
}

/// Who reads a changed column, for the column kinds.
fn column_reach(change: &Change) -> Option<String> {
    let readers = change.column_downstream.as_ref()?;
    let columns = readers.iter().filter(|r| r.column.is_some()).count();
    let filters = readers.len() - columns;
    if readers.is_empty() {
        return Some("0 downstream columns read it".to_string());
    }
    let mut projects: Vec<&str> = readers.iter().map(|r| r.project.as_str()).collect();
    projects.sort();
    projects.dedup();
    let mut text = plural(columns, "downstream column");
    if filters > 0 {
        text.push_str(&format!(" and {} filtering on it", plural(filters, "node")));
    }
    text.push_str(&format!(" in {}", projects.join(", ")));
    Some(text)
}

fn consumer(r: &ColumnConsumer) -> String {
    let owners = if r.owners.is_empty() { String::new() } else { format!(", owners {}", r.owners.join(", ")) };
    match &r.column {
        Some(c) => format!("{}.{c} ({}, {}{owners})", r.node, r.project, r.kind),
        None => format!("{} ({}, joins, filters or groups on it{owners})", r.node, r.project),
    }
}

fn reach(change: &Change) -> String {
    let columns = column_reach(change).map(|c| format!("{c}; ")).unwrap_or_default();
    format!("{columns}{}", node_reach(change))
}

fn node_reach(change: &Change) -> String {
    if change.downstream.is_empty() {
        return "nothing downstream".to_string();
    }
    let mut text = format!("{} in {}", plural(change.downstream.len(), "node"), change.downstream_projects.join(", "));
    if !change.downstream_owners.is_empty() {
        text.push_str(&format!("; owners: {}", change.downstream_owners.join(", ")));
    }
    text
}

pub fn text(report: &DiffReport) -> String {
    let mut out = format!("meshlens diff: {} against {}\n", report.projects.join(", "), report.base);
    for change in &report.changes {
        out.push_str(&format!(
            "{} {} {} {}: {}\n",
            if change.breaking { "BREAKING" } else { "change  " },
            change.kind,
            change.project,
            change.node,
            change.message
        ));
        if let Some(readers) = change.column_downstream.as_ref().filter(|_| change.breaking) {
            out.push_str(&format!("    column readers: {}\n", column_reach(change).unwrap_or_default()));
            for r in readers.iter().take(LISTED) {
                out.push_str(&format!("      {}\n", consumer(r)));
            }
            if readers.len() > LISTED {
                out.push_str(&format!("      and {} more\n", readers.len() - LISTED));
            }
        }
        if change.breaking {
            out.push_str(&format!("    downstream: {}\n", node_reach(change)));
            for d in change.downstream.iter().take(LISTED) {
                let owners =
                    if d.owners.is_empty() { String::new() } else { format!(", owners {}", d.owners.join(", ")) };
                out.push_str(&format!("      {} ({}{owners}{})\n", d.unique_id, d.project, pin(d)));
            }
            if change.downstream.len() > LISTED {
                out.push_str(&format!("      and {} more\n", change.downstream.len() - LISTED));
            }
        }
    }
    out.push_str(&format!(
        "{}, {} breaking{}\n",
        plural(report.changes.len(), "change"),
        report.breaking,
        if report.impacted_projects.is_empty() {
            String::new()
        } else {
            format!("; impacted projects: {}", report.impacted_projects.join(", "))
        }
    ));
    out
}

/// Markdown table cells: no pipes, no line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

pub fn markdown(report: &DiffReport) -> String {
    let projects = report.projects.join(", ");
    let mut out = if report.breaking == 0 {
        format!("### meshlens: no breaking changes in {projects}\n\n")
    } else {
        format!("### meshlens: {} in {projects}\n\n", plural(report.breaking as usize, "breaking change"))
    };
    if report.changes.is_empty() {
        out.push_str(&format!("No changes against {}.\n", cell(&report.base)));
        return out;
    }
    if !report.impacted_projects.is_empty() {
        out.push_str(&format!("**Impacted projects:** {}  \n", report.impacted_projects.join(", ")));
    }
    if !report.impacted_owners.is_empty() {
        out.push_str(&format!("**Owners to notify:** {}\n", report.impacted_owners.join(", ")));
    }
    out.push_str("\n| | change | node | what changed | downstream |\n|---|---|---|---|---|\n");
    for change in &report.changes {
        out.push_str(&format!(
            "| {} | `{}` | `{}` | {} | {} |\n",
            if change.breaking { "🔴 breaking" } else { "⚪" },
            change.kind,
            cell(&change.node),
            cell(&change.message),
            cell(&reach(change))
        ));
    }
    for change in report.changes.iter().filter(|c| c.breaking) {
        let Some(readers) = change.column_downstream.as_ref().filter(|r| !r.is_empty()) else { continue };
        out.push_str(&format!(
            "\n<details><summary>Columns that read {}.{} ({})</summary>\n\n",
            cell(&change.name),
            cell(change.column.as_deref().unwrap_or_default()),
            column_reach(change).unwrap_or_default()
        ));
        for r in readers.iter().take(LISTED) {
            out.push_str(&format!("- `{}`\n", cell(&consumer(r))));
        }
        if readers.len() > LISTED {
            out.push_str(&format!("- and {} more\n", readers.len() - LISTED));
        }
        out.push_str("\n</details>\n");
    }
    for change in report.changes.iter().filter(|c| c.breaking && !c.downstream.is_empty()) {
        out.push_str(&format!(
            "\n<details><summary>Downstream of {} ({}: {})</summary>\n\n",
            cell(&change.name),
            change.kind,
            plural(change.downstream.len(), "node")
        ));
        for d in change.downstream.iter().take(LISTED) {
            let owners = if d.owners.is_empty() { String::new() } else { format!(" — {}", d.owners.join(", ")) };
            out.push_str(&format!("- `{}` ({}{}){owners}\n", d.unique_id, d.project, pin(d)));
        }
        if change.downstream.len() > LISTED {
            out.push_str(&format!("- and {} more\n", change.downstream.len() - LISTED));
        }
        out.push_str("\n</details>\n");
    }
    out.push_str(&format!("\n<sub>Compared with {} by meshlens.</sub>\n", cell(&report.base)));
    out
}
