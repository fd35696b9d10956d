//! Server functions, one a file. Thin: each asks the catalog in context.

mod get_column_lineage;
mod get_governance;
mod get_lineage;
mod get_mesh;
mod get_node;
mod get_owner;
mod get_project;
mod get_review;
mod get_site_info;
mod get_versions;
mod list_groups;
mod list_owners;
mod list_projects;
mod list_reviews;
mod search_nodes;

pub use get_column_lineage::get_column_lineage;
pub use get_governance::get_governance;
pub use get_lineage::get_lineage;
pub use get_mesh::get_mesh;
pub use get_node::get_node;
pub use get_owner::get_owner;
pub use get_project::get_project;
pub use get_review::get_review;
pub use get_site_info::get_site_info;
pub use get_versions::get_versions;
pub use list_groups::list_groups;
pub use list_owners::list_owners;
pub use list_projects::list_projects;
pub use list_reviews::list_reviews;
pub use search_nodes::search_nodes;
