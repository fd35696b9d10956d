//! Facet counts of a search. Tantivy's own facet collector turns each counted facet
//! back into its name through the compressed term dictionary on every query, which
//! cost more than the search itself on a large mesh; here the names are read once,
//! when a generation's index opens, and a query only counts ordinals.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
};

use model::dto::{FacetCount, Facets};
use tantivy::{
    collector::{Collector, SegmentCollector},
    fastfield::FacetReader,
    index::SegmentId,
    schema::Facet,
    DocId, Score, Searcher, SegmentOrdinal, SegmentReader,
};

use super::SearchError;

/// The facet roots, in the order of [`Facets`]' fields.
const ROOTS: [&str; 6] = ["project", "type", "access", "owner", "group", "contract"];

/// How many values each facet lists at most.
const FACET_VALUES: usize = 20;

/// Each facet ordinal's (root, value), by segment.
type Names = Arc<Vec<Option<(usize, String)>>>;

#[derive(Clone)]
pub struct FacetNames {
    field: String,
    by_segment: HashMap<SegmentId, Names>,
}

fn segment_names(reader: &FacetReader) -> Result<Names, SearchError> {
    let mut names = vec![None; reader.num_facets()];
    let mut terms = reader.facet_dict().range().into_stream().map_err(|e| SearchError::Open(e.to_string()))?;
    while terms.advance() {
        let Ok(facet) = Facet::from_encoded(terms.key().to_vec()) else { continue };
        if let [root, value] = facet.to_path()[..] {
            if let (Some(root), Some(slot)) =
                (ROOTS.iter().position(|r| *r == root), names.get_mut(terms.term_ord() as usize))
            {
                *slot = Some((root, value.to_string()));
            }
        }
    }
    Ok(Arc::new(names))
}

impl FacetNames {
    /// The names of every segment `searcher` reads (a generation's index never changes).
    pub fn load(searcher: &Searcher, field: &str) -> Result<Self, SearchError> {
        let mut by_segment = HashMap::new();
        for segment in searcher.segment_readers() {
            by_segment.insert(segment.segment_id(), segment_names(&segment.facet_reader(field)?)?);
        }
        Ok(FacetNames { field: field.to_string(), by_segment })
    }

    pub fn collector(&self) -> FacetCountCollector {
        FacetCountCollector { names: self.clone() }
    }
}

pub struct FacetCountCollector {
    names: FacetNames,
}

pub struct SegmentFacetCounts {
    reader: FacetReader,
    names: Names,
    counts: Vec<u64>,
}

impl Collector for FacetCountCollector {
    type Fruit = Facets;
    type Child = SegmentFacetCounts;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentFacetCounts> {
        let reader = segment.facet_reader(&self.names.field)?;
        let names = match self.names.by_segment.get(&segment.segment_id()) {
            Some(names) => names.clone(),
            None => segment_names(&reader).map_err(|e| tantivy::TantivyError::InternalError(e.to_string()))?,
        };
        Ok(SegmentFacetCounts { counts: vec![0; reader.num_facets()], reader, names })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Vec<(usize, String, u64)>>) -> tantivy::Result<Facets> {
        let mut totals: [BTreeMap<String, u64>; ROOTS.len()] = Default::default();
        for (root, value, count) in segments.into_iter().flatten() {
            *totals[root].entry(value).or_default() += count;
        }
        let [project, resource_type, access, owner, group, contract] = totals.map(|values| {
            let mut list: Vec<FacetCount> =
                values.into_iter().map(|(value, count)| FacetCount { value, count }).collect();
            list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            list.truncate(FACET_VALUES);
            list
        });
        Ok(Facets { project, resource_type, access, owner, group, contract })
    }
}

impl SegmentCollector for SegmentFacetCounts {
    type Fruit = Vec<(usize, String, u64)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for ord in self.reader.facet_ords(doc) {
            if let Some(count) = self.counts.get_mut(ord as usize) {
                *count += 1;
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .filter_map(|(ord, &count)| {
                let (root, value) = self.names.get(ord)?.as_ref()?;
                Some((*root, value.clone(), count))
            })
            .collect()
    }
}
