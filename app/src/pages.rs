//! One module a page.

mod column_lineage;
mod governance;
mod groups;
mod home;
mod lineage;
mod mesh;
mod node;
mod not_found;
mod owner;
mod owners;
mod project;
mod review;
mod search;
mod versions;

pub use governance::GovernancePage;
pub use groups::GroupsPage;
pub use home::HomePage;
pub use lineage::LineagePage;
pub use mesh::MeshPage;
pub use node::NodePage;
pub use not_found::NotFound;
pub use owner::OwnerPage;
pub use owners::OwnersPage;
pub use project::ProjectPage;
pub use review::{ReviewDetailPage, ReviewPage};
pub use search::SearchPage;
pub use versions::VersionsPage;

/// Marks the response 404 when rendering on the server; a no-op in the browser.
pub(crate) fn set_not_found_status() {
    #[cfg(feature = "ssr")]
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
}
