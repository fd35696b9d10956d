//! Owners: who owns what, read from the owners table.

use super::{NodeRecord, Reader, StoreError, RECORD};

impl Reader {
    /// Every owner with the number of nodes they own, most first.
    pub fn owners(&self) -> Result<Vec<model::dto::OwnerSummary>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT key, group_concat(DISTINCT email), group_concat(DISTINCT source), count(DISTINCT node)
                 FROM owners GROUP BY key ORDER BY count(DISTINCT node) DESC, key",
            )?;
            let rows = stmt.query_map([], |r| {
                let split = |s: Option<String>| -> Vec<String> {
                    let mut v: Vec<String> =
                        s.unwrap_or_default().split(',').filter(|x| !x.is_empty()).map(str::to_string).collect();
                    v.sort();
                    v
                };
                Ok(model::dto::OwnerSummary {
                    key: r.get(0)?,
                    emails: split(r.get(1)?),
                    sources: split(r.get(2)?),
                    nodes: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// An owner (by name, or by email) and what they own.
    pub fn owner(&self, key: &str) -> Result<Option<model::dto::OwnerDetail>, StoreError> {
        let summary = self.owners()?.into_iter().find(|o| o.key == key || o.emails.iter().any(|e| e == key));
        let Some(summary) = summary else {
            return Ok(None);
        };
        self.with(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT n.unique_id, n.name, n.resource_type, n.project, n.version, p.light, group_concat(DISTINCT o.source),
                        (SELECT count(*) FROM edges e JOIN nodes t ON t.unique_id = e.child
                         WHERE e.parent = n.unique_id AND t.resource_type = 'test' AND t.status IN ('fail', 'warn', 'error'))
                 FROM owners o JOIN nodes n ON n.unique_id = o.node {RECORD}
                 WHERE o.key = ?1
                 GROUP BY n.unique_id ORDER BY n.project, n.name, n.unique_id"
            ))?;
            let rows = stmt.query_map([&summary.key], |r| {
                let record: String = r.get(5)?;
                Ok((
                    model::dto::OwnedNode {
                        unique_id: r.get(0)?,
                        name: r.get(1)?,
                        resource_type: r.get(2)?,
                        project: r.get(3)?,
                        version: r.get(4)?,
                        source: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                        failing_tests: r.get(7)?,
                        ..Default::default()
                    },
                    record,
                ))
            })?;
            let mut nodes = Vec::new();
            for row in rows {
                let (mut node, record) = row?;
                let record: NodeRecord = serde_json::from_str(&record)?;
                node.access = record.access;
                node.contract_enforced = record.contract_enforced;
                node.status = record.status.or_else(|| record.freshness.map(|f| format!("freshness {}", f.status)));
                nodes.push(node);
            }
            Ok(Some(model::dto::OwnerDetail { owner: summary, nodes }))
        })
    }
}
