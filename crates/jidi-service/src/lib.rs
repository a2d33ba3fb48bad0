//! Application services: the workflows that read from the store, compute in the domain and write
//! back, shared by the web server and the command line so that both do exactly the same thing.
//!
//! * [`catalogue`]: edit the managed indicator catalogue (a file or one entry), versioned.
//! * [`evaluation`]: run a year's evaluation (trial), publish it, verify its hash.
//! * [`management`]: turn published results into proposals and decide them.
//! * [`demo`]: load the demo programme with its accounts and published history.
//! * [`roll`]: import a roll file, all or nothing.
//! * [`tasks`]: reporting tasks, the monthly calendar that opens them, reminders to late bases.
//! * [`values`]: import and export indicator values in the long form, checked, all or nothing.
//! * [`workbook`]: the province workbook (bases as rows, indicators as columns), written and read
//!   back through the same checks.
//! * [`monitoring`]: derived monthly figures (single months, YoY, MoM) and graded warnings,
//!   rebuilt whenever monthly values are accepted.
//! * [`warning_rules`]: the ministry's warning rules as data (TOML/JSON), versioned; a save
//!   replays every warning.
//! * [`green`]: green and safe (C6): energy by fuel, CO₂, intensities, water, green factories,
//!   incidents and progress against the default intensity targets of a year and scope.
//! * [`report`]: the annual development report built from the database, rendered, printed to PDF.
//! * [`passwords`]: Argon2id hashing, bounded.
//! * [`cpu`]: heavy work on blocking threads, a bounded number at a time.
#![deny(missing_docs)]

pub mod catalogue;
pub mod cpu;
pub mod demo;
pub mod demo_collection;
mod derive;
pub mod evaluation;
pub mod green;
pub mod late_reports;
pub mod management;
pub mod monitoring;
pub mod passwords;
pub mod report;
pub mod roll;
pub mod tasks;
pub mod values;
pub mod warning_rules;
pub mod workbook;

/// Today in China (UTC+8), where the programme's dates live.
pub fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}
