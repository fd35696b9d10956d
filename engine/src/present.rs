//! Presentation: where stored records become what the pages show. The store holds
//! domain data only; Markdown rendered to HTML, the ref a user would write, a column's
//! tests and type mismatch, version states as of the served date, and the shape of each
//! page's view are worked out here, when a page asks, so none of it is written into the
//! index.

pub mod columns;
pub mod markdown;
mod node;
mod views;

pub use node::{node_detail, ref_snippet, ColumnFacts};
pub use views::{governance, groups, project, versions};
