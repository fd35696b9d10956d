//! The mesh: every indexed project's nodes as one graph. Identity, cross-project
//! resolution, counts and governance findings, computed from normalised records.

mod findings;
mod load;
mod record;
mod resolve;

pub use findings::{fails as findings_fail, same_type, FINDING_KINDS, OPT_IN_KINDS};
pub use load::{load_project, ArtifactSet, LoadError};
pub use record::{ColumnRecord, FreshnessRecord, GroupRecord, NodeRecord, ProjectRecord, RefRecord, TestRecord};
pub use resolve::{resolve, resolve_as_of, resolve_owned, Duplicate, Edge, EdgeKind, Mesh, ResolvedNode};
