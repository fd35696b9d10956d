//! Pieces shared by several pages.

mod header;
mod node_link;
mod search_box;
mod snippet;

pub use header::Header;
pub use node_link::NodeLinkList;
pub use search_box::SearchBox;
pub use snippet::Snippet;
