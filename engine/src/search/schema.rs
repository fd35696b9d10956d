//! The fields of a search document.

use tantivy::schema::{Field, Schema, FAST, INDEXED, STORED, STRING, TEXT};

#[derive(Clone, Copy)]
pub struct Fields {
    pub unique_id: Field,
    pub name: Field,
    /// The whole name, lowercased: an exact name ranks first.
    pub name_exact: Field,
    pub description: Field,
    /// Column names and descriptions.
    pub columns: Field,
    /// Each column's name, lowercased: `column:` filters by it.
    pub column_name: Field,
    /// Owner names and emails.
    pub owners: Field,
    /// Tags, group, relation name and version state: words people filter or scan by.
    pub labels: Field,
    /// Raw SQL: matched, at low weight, never shown.
    pub code: Field,
    // Exact, lowercased values for filters.
    pub project: Field,
    pub package: Field,
    pub resource_type: Field,
    pub access: Field,
    pub tag: Field,
    pub group: Field,
    pub contract: Field,
    pub materialized: Field,
    /// `/project/x`, `/type/model`, ...: counted for the facets.
    pub facets: Field,
    /// How hits of equal score are ordered: [`tie_keys`](super::build::tie_keys).
    pub tie_type_name: Field,
    pub tie_rest: Field,
    // Shown in hits, as indexed.
    pub shown_project: Field,
    pub shown_type: Field,
    pub shown_owner: Field,
    pub shown_access: Field,
    pub shown_version: Field,
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        unique_id: b.add_text_field("unique_id", STRING | STORED),
        name: b.add_text_field("name", TEXT | STORED),
        name_exact: b.add_text_field("name_exact", STRING),
        description: b.add_text_field("description", TEXT | STORED),
        columns: b.add_text_field("columns", TEXT | STORED),
        column_name: b.add_text_field("column_name", STRING),
        owners: b.add_text_field("owners", TEXT | STORED),
        labels: b.add_text_field("labels", TEXT | STORED),
        code: b.add_text_field("code", TEXT),
        project: b.add_text_field("project", STRING | FAST),
        package: b.add_text_field("package", STRING),
        resource_type: b.add_text_field("resource_type", STRING),
        access: b.add_text_field("access", STRING),
        tag: b.add_text_field("tag", STRING),
        group: b.add_text_field("group", STRING),
        contract: b.add_text_field("contract", STRING),
        materialized: b.add_text_field("materialized", STRING),
        facets: b.add_facet_field("facets", INDEXED),
        tie_type_name: b.add_u64_field("tie_type_name", FAST),
        tie_rest: b.add_u64_field("tie_rest", FAST),
        shown_project: b.add_text_field("shown_project", STORED),
        shown_type: b.add_text_field("shown_type", STORED),
        shown_owner: b.add_text_field("shown_owner", STORED),
        shown_access: b.add_text_field("shown_access", STORED),
        shown_version: b.add_text_field("shown_version", STORED),
    };
    (b.build(), fields)
}
