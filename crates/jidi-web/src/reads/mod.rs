//! Reads shared by the API and the pages: each loads what a screen or an endpoint shows, applies
//! the viewer's access, and returns the wire views. Neither `api` nor `pages` imports the other;
//! both import these.

pub mod bases;
pub mod cache;
pub mod catalogue;
pub mod green;
pub mod monitoring;
pub mod proposals;
pub mod reports;
pub mod results;
pub mod roll_export;
pub mod runs;
pub mod schemes;
pub mod scorecards;
pub mod tasks;
pub mod timelines;
pub mod values;
pub mod warning_rules;
pub mod work;
