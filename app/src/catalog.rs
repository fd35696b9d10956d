//! The read interface the UI needs (`model::catalog`), as the server puts it in context.

pub use model::catalog::{Catalog, SharedCatalog};

use crate::error::{Error, ErrorCode};

/// The catalog the server put in context.
pub fn use_catalog() -> Result<SharedCatalog, Error> {
    leptos::prelude::use_context::<SharedCatalog>()
        .ok_or_else(|| Error::new(ErrorCode::Internal, "the catalog is missing from context"))
}
