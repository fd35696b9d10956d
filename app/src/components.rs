//! Pieces shared by several pages.

mod code_block;
mod copy_button;
mod error_panel;
mod header;
mod lineage_graph;
mod loaded;
mod missing;
mod node_link;
mod search_box;
mod snippet;

pub use code_block::CodeBlock;
pub use copy_button::CopyButton;
pub use error_panel::ErrorPanel;
pub use header::Header;
pub use lineage_graph::{expand_key, LineageGraph, ViewSettings};
pub use loaded::loaded;
pub use missing::Missing;
pub use node_link::NodeLinkList;
pub use search_box::SearchBox;
pub use snippet::Snippet;
