//! Writing the search index of a generation from the resolved mesh.

use std::path::Path;

use tantivy::{schema::Facet, Index, TantivyDocument, Term};

use super::{
    schema::{schema, Fields},
    SearchError,
};
use crate::mesh::ResolvedNode;

/// An owner as one value: the name, else the email.
pub fn owner_key(name: Option<&str>, email: Option<&str>) -> Option<String> {
    name.or(email).map(str::to_string)
}

/// Bumped whenever [`document`] changes what it makes of a node, so a re-index
/// rebuilds every document instead of keeping ones made the old way.
const DOCUMENT_VERSION: u64 = 2;

/// What a node's search document is made of, hashed: its stored record (by hash), its
/// project, its owners after resolution and its version state today. A re-index keeps
/// the documents whose key did not change.
/// Keys that order hits of equal score, larger first: models, then sources, seeds,
/// snapshots and the rest; then by name (its first 7 bytes in the first key, the next 4
/// in the second), then by a hash of the unique_id, so the order never depends on how
/// the index happens to be laid out.
pub fn tie_keys(resource_type: &str, name: &str, unique_id: &str) -> (u64, u64) {
    let rank: u64 = match resource_type {
        "model" => 0,
        "source" => 1,
        "seed" => 2,
        "snapshot" => 3,
        "exposure" => 4,
        "metric" | "semantic_model" | "saved_query" => 5,
        _ => 6,
    };
    let lower = name.to_lowercase();
    let bytes = lower.as_bytes();
    let chunk = |from: usize, len: usize| -> u64 {
        (0..len).fold(0u64, |acc, i| (acc << 8) | u64::from(bytes.get(from + i).copied().unwrap_or(0)))
    };
    // Smaller names first: the name bits are inverted, so a larger key is an earlier name.
    let first = ((15 - rank) << 56) | (!chunk(0, 7) & 0x00FF_FFFF_FFFF_FFFF);
    let id_hash =
        unique_id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let second = ((!chunk(7, 4) & 0xFFFF_FFFF) << 32) | (id_hash & 0xFFFF_FFFF);
    (first, second)
}

pub fn doc_key(node: &ResolvedNode, record_hash: i64, today: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(DOCUMENT_VERSION.to_le_bytes());
    h.update(record_hash.to_le_bytes());
    for part in [node.project.as_str(), if node.external { "external" } else { "own" }] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    for o in &node.record.owners {
        for part in [o.name.as_deref(), o.email.as_deref(), Some(o.source.as_str())] {
            let part = part.unwrap_or("\u{0}");
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
    }
    h.update(node.record.version_state(today).unwrap_or("").as_bytes());
    let digest = h.finalize();
    i64::from_le_bytes(digest[..8].try_into().unwrap_or_default())
}

/// The search document of a resolved node (with its whole record).
fn document(f: &Fields, node: &ResolvedNode, today: &str) -> TantivyDocument {
    let r = &node.record;
    let mut doc = TantivyDocument::default();
    doc.add_text(f.unique_id, &r.unique_id);
    doc.add_text(f.name, &r.name);
    doc.add_text(f.name_exact, r.name.to_lowercase());
    doc.add_text(f.description, &r.description);
    let columns: Vec<String> = r
        .columns
        .iter()
        .map(|c| if c.description.is_empty() { c.name.clone() } else { format!("{}: {}", c.name, c.description) })
        .collect();
    doc.add_text(f.columns, columns.join("\n"));
    for c in &r.columns {
        doc.add_text(f.column_name, c.name.to_lowercase());
    }
    let mut owners: Vec<String> = Vec::new();
    for o in &r.owners {
        let text = match (&o.name, &o.email) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (Some(n), None) => n.clone(),
            (None, Some(e)) => e.clone(),
            (None, None) => continue,
        };
        if !owners.contains(&text) {
            owners.push(text);
        }
    }
    doc.add_text(f.owners, owners.join("\n"));
    let state = r.version_state(today);
    let mut labels: Vec<String> = r.tags.clone();
    labels.extend(r.group.clone());
    labels.extend(r.relation_name.clone());
    labels.extend(state.map(str::to_string));
    doc.add_text(f.labels, labels.join("\n"));
    if let Some(code) = &r.raw_code {
        doc.add_text(f.code, code);
    }

    let lower = |s: &str| s.to_lowercase();
    doc.add_text(f.project, lower(&node.project));
    doc.add_text(f.package, lower(&r.package));
    doc.add_text(f.resource_type, lower(&r.resource_type));
    let contract = if r.contract_enforced { "enforced" } else { "not_enforced" };
    doc.add_text(f.contract, contract);
    for tag in &r.tags {
        doc.add_text(f.tag, lower(tag));
    }
    if let Some(a) = &r.access {
        doc.add_text(f.access, lower(a));
    }
    if let Some(g) = &r.group {
        doc.add_text(f.group, lower(g));
    }
    if let Some(m) = &r.materialized {
        doc.add_text(f.materialized, lower(m));
    }

    doc.add_facet(f.facets, Facet::from_path(["project", node.project.as_str()]));
    doc.add_facet(f.facets, Facet::from_path(["type", r.resource_type.as_str()]));
    if let Some(a) = &r.access {
        doc.add_facet(f.facets, Facet::from_path(["access", a.as_str()]));
    }
    if let Some(g) = &r.group {
        doc.add_facet(f.facets, Facet::from_path(["group", g.as_str()]));
    }
    if r.resource_type == "model" {
        doc.add_facet(f.facets, Facet::from_path(["contract", contract]));
    }
    let mut owner_keys: Vec<String> = Vec::new();
    for o in &r.owners {
        if let Some(key) = owner_key(o.name.as_deref(), o.email.as_deref()) {
            if !owner_keys.contains(&key) {
                doc.add_facet(f.facets, Facet::from_path(["owner", key.as_str()]));
                owner_keys.push(key);
            }
        }
    }

    let (type_name, rest) = tie_keys(&r.resource_type, &r.name, &r.unique_id);
    doc.add_u64(f.tie_type_name, type_name);
    doc.add_u64(f.tie_rest, rest);
    doc.add_text(f.shown_project, &node.project);
    doc.add_text(f.shown_type, &r.resource_type);
    if let Some(owner) = owner_keys.first() {
        doc.add_text(f.shown_owner, owner);
    }
    if let Some(a) = &r.access {
        doc.add_text(f.shown_access, a);
    }
    if let Some(v) = &r.version {
        doc.add_text(f.shown_version, v);
    }
    doc
}

/// Indexing threads: both cores on a mesh big enough to split; one on a small one,
/// which then stays one segment.
fn threads(docs: usize) -> usize {
    if docs < 5_000 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 2)
    }
}

const WRITER_MEMORY: usize = 128 * 1024 * 1024;

/// Writes a new index of `nodes` (with whole records) into `dir`.
/// Version states are judged as of `today` (YYYY-MM-DD).
pub fn build<'a>(
    dir: &Path,
    nodes: impl ExactSizeIterator<Item = &'a ResolvedNode>,
    today: &str,
) -> Result<(), SearchError> {
    std::fs::create_dir_all(dir).map_err(|e| SearchError::Open(format!("{}: {e}", dir.display())))?;
    let (schema, f) = schema();
    let index = Index::create_in_dir(dir, schema)?;
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(threads(nodes.len()), WRITER_MEMORY)?;
    for node in nodes {
        writer.add_document(document(&f, node, today))?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// Whether the index in `dir` can be updated: it opens and has this schema.
pub fn reusable(dir: &Path) -> bool {
    Index::open_in_dir(dir).is_ok_and(|index| index.schema() == schema().0)
}

/// Writes into `dir` the [`reusable`] index in `previous` with the documents of `remove`
/// deleted and those of `add` (with whole records) added. Unchanged segment files are
/// hard-linked, not copied.
pub fn update<'a>(
    dir: &Path,
    previous: &Path,
    remove: &[&str],
    add: impl Iterator<Item = &'a ResolvedNode>,
    today: &str,
) -> Result<(), SearchError> {
    let (_, f) = schema();
    link_files(previous, dir).map_err(|e| SearchError::Open(format!("{}: {e}", dir.display())))?;
    let index = Index::open_in_dir(dir)?;
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY / 2)?;
    for id in remove {
        writer.delete_term(Term::from_field_text(f.unique_id, id));
    }
    for node in add {
        writer.add_document(document(&f, node, today))?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// Segment files never change once written, so the new index shares them by hard link;
/// the files Tantivy rewrites (its meta files) are copied, and its locks left behind.
fn link_files(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let name_text = name.to_string_lossy();
        if !entry.file_type()?.is_file() || name_text.ends_with(".lock") {
            continue;
        }
        let target = to.join(&name);
        // Meta files are rewritten by the new index; everything else is linked when it can be.
        if name_text.ends_with(".json") || std::fs::hard_link(entry.path(), &target).is_err() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::tie_keys;

    #[test]
    fn equal_scores_order_models_first_then_by_name_then_by_id() {
        // Larger keys rank first.
        let order = [
            ("model", "orders", "model.a.orders"),
            ("model", "orders", "model.b.orders"),
            ("model", "orders_daily", "model.a.orders_daily"),
            ("model", "zeta", "model.a.zeta"),
            ("source", "orders", "source.a.raw.orders"),
            ("seed", "a", "seed.a.a"),
            ("test", "a", "test.a.a"),
        ];
        let keys: Vec<(u64, u64)> = order.iter().map(|(t, n, id)| tie_keys(t, n, id)).collect();
        for pair in keys.windows(2).skip(1) {
            assert!(pair[0] > pair[1], "{keys:?}");
        }
        assert_ne!(keys[0], keys[1], "one name in two projects still has an order");
        assert_eq!(tie_keys("model", "Orders", "x"), tie_keys("model", "orders", "x"), "case does not matter");
    }
}
