//! Tantivy: one document a node, searched by name (as you type) and description.

use std::{path::Path, time::Instant};

use app::dto::{SearchHit, SearchResults};
use tantivy::{
    collector::{Count, TopDocs},
    query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery},
    schema::{Field, IndexRecordOption, Schema, Value, STORED, STRING, TEXT},
    Index, IndexReader, ReloadPolicy, TantivyDocument, Term,
};

use crate::mesh::ResolvedNode;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("{0}")]
    Open(String),
}

#[derive(Clone, Copy)]
struct Fields {
    unique_id: Field,
    name: Field,
    name_exact: Field,
    project: Field,
    resource_type: Field,
    description: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        unique_id: b.add_text_field("unique_id", STRING | STORED),
        name: b.add_text_field("name", TEXT | STORED),
        name_exact: b.add_text_field("name_exact", STRING),
        project: b.add_text_field("project", STRING | STORED),
        resource_type: b.add_text_field("resource_type", STRING | STORED),
        description: b.add_text_field("description", TEXT | STORED),
    };
    (b.build(), fields)
}

/// Writes the search index of a generation.
pub fn build(dir: &Path, nodes: &[ResolvedNode]) -> Result<(), SearchError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| SearchError::Open(format!("{}: {e}", dir.display())))?;
    let (schema, f) = schema();
    let index = Index::create_in_dir(dir, schema)?;
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 64 * 1024 * 1024)?;
    for node in nodes {
        let r = &node.record;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.unique_id, &r.unique_id);
        doc.add_text(f.name, &r.name);
        doc.add_text(f.name_exact, r.name.to_lowercase());
        doc.add_text(f.project, &node.project);
        doc.add_text(f.resource_type, &r.resource_type);
        doc.add_text(f.description, &r.description);
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}

pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
}

/// Words as the default tokenizer cuts them: lowercase runs of letters and digits.
fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

impl SearchIndex {
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        let index = Index::open_in_dir(dir)?;
        let (_, fields) = schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex { reader, fields })
    }

    pub fn search(&self, query: &str, limit: usize) -> Result<SearchResults, SearchError> {
        let started = Instant::now();
        let f = self.fields;
        let words = words(query);
        if words.is_empty() {
            return Ok(SearchResults {
                query: query.to_string(),
                ..SearchResults::default()
            });
        }
        // Every word must match a name or description word by prefix; a whole-name
        // match and name matches rank above description matches.
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in &words {
            let in_name: Box<dyn Query> = Box::new(BoostQuery::new(
                Box::new(FuzzyTermQuery::new_prefix(
                    Term::from_field_text(f.name, word),
                    0,
                    false,
                )),
                3.0,
            ));
            let in_description: Box<dyn Query> = Box::new(FuzzyTermQuery::new_prefix(
                Term::from_field_text(f.description, word),
                0,
                false,
            ));
            must.push((
                Occur::Must,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, in_name),
                    (Occur::Should, in_description),
                ])),
            ));
        }
        let exact: Box<dyn Query> = Box::new(BoostQuery::new(
            Box::new(TermQuery::new(
                Term::from_field_text(f.name_exact, query.trim().to_lowercase().as_str()),
                IndexRecordOption::Basic,
            )),
            20.0,
        ));
        let query_tree = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(BooleanQuery::new(must)) as Box<dyn Query>,
            ),
            (Occur::Should, exact),
        ]);
        let searcher = self.reader.searcher();
        let (top, total) = searcher.search(&query_tree, &(TopDocs::with_limit(limit), Count))?;
        let mut hits = Vec::with_capacity(top.len());
        for (_score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let mut description = text(f.description);
            if description.chars().count() > 200 {
                description = description.chars().take(200).collect::<String>() + "…";
            }
            hits.push(SearchHit {
                unique_id: text(f.unique_id),
                name: text(f.name),
                project: text(f.project),
                resource_type: text(f.resource_type),
                description,
            });
        }
        Ok(SearchResults {
            query: query.to_string(),
            total: total as u64,
            hits,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mesh::NodeRecord;

    fn node(id: &str, name: &str, description: &str) -> ResolvedNode {
        ResolvedNode {
            project: "p".into(),
            external: false,
            record: NodeRecord {
                unique_id: id.into(),
                name: name.into(),
                resource_type: "model".into(),
                description: description.into(),
                ..NodeRecord::default()
            },
        }
    }

    #[test]
    fn names_match_by_prefix_and_exact_names_rank_first() {
        let dir = tempfile::tempdir().unwrap();
        build(
            dir.path(),
            &[
                node(
                    "model.p.customers_daily",
                    "customers_daily",
                    "rolls up customers",
                ),
                node("model.p.customers", "customers", "one row per customer"),
                node("model.p.orders", "orders", "orders placed by customers"),
            ],
        )
        .unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        let r = index.search("customers", 10).unwrap();
        assert_eq!(r.hits[0].unique_id, "model.p.customers");
        assert_eq!(r.total, 3);
        let r = index.search("cust", 10).unwrap();
        assert_eq!(r.total, 3);
        let r = index.search("ord", 10).unwrap();
        assert_eq!(r.hits[0].unique_id, "model.p.orders");
        assert_eq!(index.search("zzz", 10).unwrap().total, 0);
        assert_eq!(index.search("  ", 10).unwrap().total, 0);
    }
}
