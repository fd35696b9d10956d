//! Answering a query: the parsed clauses become one Tantivy query whose constant
//! scores rank an exact name first, then name prefixes, then owner and column hits,
//! then descriptions and code; models above their tests.

use std::{path::Path, time::Instant};

use model::dto::{SearchHit, SearchResults};
use tantivy::{
    collector::{Count, TopDocs},
    query::{AllQuery, BooleanQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery},
    schema::{Field, IndexRecordOption, Value},
    Index, IndexReader, ReloadPolicy, TantivyDocument, Term,
};

use super::{
    facets::FacetNames,
    highlight::{around_first_match, matches, snippet, typo_distance},
    query::{self, ParsedQuery, Term as QueryTerm},
    schema::{schema, Fields},
    SearchError,
};

pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
    facet_names: FacetNames,
}

fn constant(query: Box<dyn Query>, score: f32) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, score))
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(queries.into_iter().map(|q| (Occur::Should, q)).collect()))
}

impl SearchIndex {
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        let index = Index::open_in_dir(dir)?;
        let (_, fields) = schema();
        let reader: IndexReader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let facet_names = FacetNames::load(&reader.searcher(), "facets")?;
        Ok(SearchIndex { reader, fields, facet_names })
    }

    /// A word matched by prefix in every text field; with typos in the ones people
    /// type from memory. `fuzzy` is off for exclusions, which must be exact.
    fn word_query(&self, word: &str, fuzzy: bool) -> Box<dyn Query> {
        let f = self.fields;
        let prefix = |field: Field, score: f32| {
            constant(Box::new(FuzzyTermQuery::new_prefix(Term::from_field_text(field, word), 0, false)), score)
        };
        let mut should = vec![
            prefix(f.name, 5.0),
            prefix(f.owners, 3.0),
            prefix(f.columns, 2.0),
            prefix(f.labels, 2.0),
            prefix(f.description, 1.0),
            constant(Box::new(FuzzyTermQuery::new(Term::from_field_text(f.code, word), 0, false)), 0.3),
        ];
        let distance = typo_distance(word) as u8;
        if fuzzy && distance > 0 {
            let typo = |field: Field, score: f32| {
                constant(
                    Box::new(FuzzyTermQuery::new_prefix(Term::from_field_text(field, word), distance, true)),
                    score,
                )
            };
            should.extend([typo(f.name, 2.5), typo(f.owners, 1.5), typo(f.columns, 1.0), typo(f.description, 0.5)]);
        }
        any_of(should)
    }

    fn phrase_query(&self, words: &[String]) -> Box<dyn Query> {
        let f = self.fields;
        let phrase = |field: Field, score: f32| {
            let terms = words.iter().map(|w| Term::from_field_text(field, w)).collect();
            constant(Box::new(PhraseQuery::new(terms)), score)
        };
        any_of(vec![
            phrase(f.name, 5.0),
            phrase(f.owners, 3.0),
            phrase(f.columns, 2.0),
            phrase(f.labels, 2.0),
            phrase(f.description, 1.0),
            phrase(f.code, 0.3),
        ])
    }

    fn exact(field: Field, value: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
    }

    fn filter_query(&self, key: &str, value: &str) -> Box<dyn Query> {
        let f = self.fields;
        let filter = match key {
            "owner" => {
                let words = query::words(value);
                Box::new(BooleanQuery::new(
                    words
                        .iter()
                        .map(|w| {
                            let q: Box<dyn Query> =
                                Box::new(FuzzyTermQuery::new_prefix(Term::from_field_text(f.owners, w), 0, false));
                            (Occur::Must, q)
                        })
                        .collect(),
                )) as Box<dyn Query>
            }
            "project" => Self::exact(f.project, value),
            "package" => Self::exact(f.package, value),
            "type" => Self::exact(f.resource_type, if value == "data_test" { "test" } else { value }),
            "access" => Self::exact(f.access, value),
            "tag" => Self::exact(f.tag, value),
            "group" => Self::exact(f.group, value),
            "materialized" => Self::exact(f.materialized, value),
            "column" => Self::exact(f.column_name, value),
            "contract" => Self::exact(
                f.contract,
                match value {
                    "enforced" | "yes" | "true" | "on" => "enforced",
                    _ => "not_enforced",
                },
            ),
            _ => Box::new(AllQuery),
        };
        // Filters select; they do not rank.
        constant(filter, 0.0)
    }

    fn term_query(&self, term: &QueryTerm, negated: bool) -> Box<dyn Query> {
        match term {
            QueryTerm::Word(w) => self.word_query(w, !negated),
            QueryTerm::AllWords(words) => {
                Box::new(BooleanQuery::new(words.iter().map(|w| (Occur::Must, self.word_query(w, !negated))).collect()))
            }
            QueryTerm::Phrase(words) => self.phrase_query(words),
            QueryTerm::Filter { key, value } => self.filter_query(key, value),
        }
    }

    fn build_query(&self, parsed: &ParsedQuery, raw: &str) -> Box<dyn Query> {
        let f = self.fields;
        let mut required: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut positive = false;
        for clause in &parsed.clauses {
            let mut alternatives: Vec<Box<dyn Query>> =
                clause.any_of.iter().map(|t| self.term_query(t, clause.negated)).collect();
            let q = if alternatives.len() == 1 { alternatives.remove(0) } else { any_of(alternatives) };
            if clause.negated {
                required.push((Occur::MustNot, q));
            } else {
                positive = true;
                required.push((Occur::Must, q));
            }
        }
        if !positive {
            required.push((Occur::Must, constant(Box::new(AllQuery), 0.0)));
        }
        let mut matched: Box<dyn Query> = Box::new(BooleanQuery::new(required));
        // A pasted unique_id finds its node, whatever its words match.
        let typed = raw.trim();
        if !typed.contains(char::is_whitespace) && typed.contains('.') {
            matched = any_of(vec![matched, constant(Self::exact(f.unique_id, typed), 60.0)]);
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, matched)];

        let free = parsed.free_text();
        if !free.is_empty() {
            // An exact name ranks first: the words as typed, joined as dbt names are.
            let typed: Vec<String> = raw
                .split_whitespace()
                .filter(|t| !t.starts_with('-') && !t.contains(':') && *t != "OR")
                .map(|t| t.trim_matches('"').to_lowercase())
                .collect();
            // Each name typed whole counts too (`a_b OR c_d`).
            let mut candidates = vec![free.join("_"), typed.join(" "), typed.join("_")];
            candidates.extend(typed.iter().cloned());
            candidates.sort();
            candidates.dedup();
            for candidate in candidates.into_iter().filter(|c| !c.is_empty()) {
                clauses.push((Occur::Should, constant(Self::exact(f.name_exact, &candidate), 30.0)));
            }
            // Words found next to each other, as typed, rank above words found apart.
            if free.len() > 1 {
                clauses.push((Occur::Should, self.phrase_query(&free)));
            }
            // People look for models far more than for the tests that share their words.
            clauses.push((Occur::Should, constant(Self::exact(f.resource_type, "model"), 1.5)));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    pub fn search(&self, input: &str, limit: usize, offset: usize) -> Result<SearchResults, SearchError> {
        // Tantivy reserves room for `limit + offset` hits before it looks at one, and
        // panics on a limit of 0: callers check the limits, and this is the backstop.
        let bounds = &crate::limits::Limits::DEFAULT;
        if limit == 0 || limit > *bounds.search_limit.end() || offset > *bounds.search_offset.end() {
            return Err(SearchError::OutOfBounds { limit, offset });
        }
        let started = Instant::now();
        let parsed = query::parse(input);
        let mut results = SearchResults {
            query: input.to_string(),
            offset,
            limit,
            ignored: parsed.ignored.clone(),
            ..SearchResults::default()
        };
        if parsed.is_empty() {
            results.took_ms = started.elapsed().as_secs_f64() * 1000.0;
            return Ok(results);
        }
        let query = self.build_query(&parsed, input);
        let searcher = self.reader.searcher();
        // Equal scores are ordered by type, then name, then unique_id, never by chance.
        let (type_name, rest) = (self.fields.tie_type_name, self.fields.tie_rest);
        let ranked =
            TopDocs::with_limit(limit).and_offset(offset).tweak_score(move |segment: &tantivy::SegmentReader| {
                let schema = segment.schema();
                let column = |field: Field| segment.fast_fields().u64(schema.get_field_name(field)).ok();
                let (first, second) = (column(type_name), column(rest));
                move |doc: tantivy::DocId, score: tantivy::Score| {
                    let key =
                        |c: &Option<tantivy::columnar::Column<u64>>| c.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                    (score, key(&first), key(&second))
                }
            });
        let (top, total, facets) = searcher.search(&query, &(ranked, Count, self.facet_names.collector()))?;
        results.total = total as u64;
        results.facets = facets;
        let words = parsed.free_text();
        let column = parsed.filter_value("column");
        for (_score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let mut hit = self.hit(&doc, &words);
            if let Some(column) = column {
                // The hit opens the column it matched, in the project's spelling.
                hit.column = doc
                    .get_first(self.fields.columns)
                    .and_then(|v| v.as_str())
                    .and_then(|text| {
                        text.lines().map(|l| l.split(": ").next().unwrap_or(l)).find(|c| c.eq_ignore_ascii_case(column))
                    })
                    .map(str::to_string);
                if hit.column.is_some() {
                    hit.matched_field = "column".to_string();
                }
            }
            results.hits.push(hit);
        }
        results.took_ms = started.elapsed().as_secs_f64() * 1000.0;
        Ok(results)
    }

    fn hit(&self, doc: &TantivyDocument, words: &[String]) -> SearchHit {
        let f = self.fields;
        let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let optional = |field: Field| Some(text(field)).filter(|s| !s.is_empty());
        let name = text(f.name);
        // Snippets show words, not the Markdown around them.
        let raw = text(f.description);
        let description = crate::present::markdown::plain_text(around_first_match(&raw, words, 2000));
        let candidates = [
            ("name", name.clone()),
            ("owner", text(f.owners)),
            ("column", text(f.columns)),
            ("tag", text(f.labels)),
            ("description", description.clone()),
        ];
        let matched = candidates.iter().find(|(_, value)| matches(value, words));
        let (matched_field, shown) = match matched {
            // A name match shows the description, which says more than the name again.
            Some(("name", _)) | None => (matched.map_or("code", |m| m.0), description),
            Some((field, value)) => (*field, value.clone()),
        };
        let matched_field = if words.is_empty() { "filter" } else { matched_field };
        SearchHit {
            unique_id: text(f.unique_id),
            name,
            project: text(f.shown_project),
            resource_type: text(f.shown_type),
            owner: optional(f.shown_owner),
            access: optional(f.shown_access),
            version: optional(f.shown_version),
            matched_field: matched_field.to_string(),
            snippet: snippet(&shown, words),
            column: None,
        }
    }
}
