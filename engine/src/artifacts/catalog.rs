//! catalog.json (v1): the types the warehouse reports for each relation's columns.

use std::{collections::HashMap, path::Path};

use serde::Deserialize;

use super::{parse_versioned, ArtifactError};

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a catalog object")]
pub struct Catalog {
    pub metadata: CatalogMetadata,
    pub nodes: HashMap<String, CatalogTable>,
    pub sources: HashMap<String, CatalogTable>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a metadata object")]
pub struct CatalogMetadata {
    pub dbt_schema_version: String,
    pub generated_at: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a relation object")]
pub struct CatalogTable {
    pub columns: HashMap<String, CatalogColumn>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a column object")]
pub struct CatalogColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub data_type: Option<String>,
    pub index: Option<i64>,
    pub comment: Option<String>,
}

pub fn parse(file: &Path, bytes: &[u8]) -> Result<Catalog, ArtifactError> {
    parse_versioned(file, bytes, "catalog", 1..=1, "catalog v1").map(|(_, catalog)| catalog)
}

impl Catalog {
    /// The warehouse type of a column, matched case-insensitively as warehouses fold case.
    pub fn column_type(&self, unique_id: &str, column: &str) -> Option<&str> {
        let table = self.nodes.get(unique_id).or_else(|| self.sources.get(unique_id))?;
        table
            .columns
            .get(column)
            .or_else(|| table.columns.iter().find(|(name, _)| name.eq_ignore_ascii_case(column)).map(|(_, c)| c))
            .and_then(|c| c.data_type.as_deref())
    }

    /// Catalog columns of a relation, in warehouse order, for nodes whose YAML lists none.
    pub fn columns_of(&self, unique_id: &str) -> Vec<&CatalogColumn> {
        let Some(table) = self.nodes.get(unique_id).or_else(|| self.sources.get(unique_id)) else {
            return Vec::new();
        };
        let mut columns: Vec<&CatalogColumn> = table.columns.values().collect();
        columns.sort_by_key(|c| c.index.unwrap_or(i64::MAX));
        columns
    }
}
