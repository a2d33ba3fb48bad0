//! The repository layer: one API over SQLite (the default, a file under the data directory) and
//! PostgreSQL (when a `postgres://` URL is given). The only crate that knows SQL.
//!
//! Both backends run the same statements: SQL here uses only what both dialects accept (`$n`
//! placeholders, `ON CONFLICT`, `RETURNING`, `LIMIT`/`OFFSET`), and the schema is kept in step by
//! two migration folders with the same versions. Every write runs in a transaction. Functions return
//! domain types, never rows.

mod accounts;
mod audit;
mod bulk;
mod catalogue;
mod collection;
mod demo;
mod drafts;
mod editions;
mod error;
mod green;
mod incidents;
mod monitoring;
mod plans;
mod proposals;
mod report;
mod report_topics;
mod results;
mod roll;
mod row;
mod runs;
mod schemes;
mod settings;
mod store;
mod submissions;
mod tasks;
mod values;
mod warning_rules;
mod warnings;
mod work;

pub use accounts::{LoginAttempt, NewUser, SessionRecord, User};
pub use audit::{AuditEntry, AuditFilter};
pub use catalogue::{CatalogueVersion, NewCatalogueVersion};
pub use collection::{
    AcceptedValue, AcceptedWarning, Frequency, NewBatch, Revision, StoredSeries, StoredValue,
};
pub use demo::DemoSummary;
pub use drafts::{Draft, DraftField};
pub use editions::{EditionFile, EditionRecord, FinalFile, NewEdition};
pub use error::{Result, StoreError};
pub use green::{GREEN_FUEL_CODES, GreenBase, GreenFilter, GreenGroup, GreenSums};
pub use monitoring::{BaseFigure, BaseRank, DerivedPoint, GroupBy, GroupSums, MonitorFilter};
pub use plans::QueryPlan;
pub use proposals::{ProposalEffect, ProposalFilter, ProposalRecord};
pub use report::{GroupTotal, ReportGroup, TierMove};
pub use report_topics::{CollectionCounts, WarningCount, WarningItem, YtdSums};
pub use results::{Headline, ResultDetails, ResultFilter, ResultRecord};
pub use roll::{BaseFilter, BaseSort, Counts, Page, SortOrder, StatusFilter};
pub use runs::{NewRun, RunRecord, RunStatus};
pub use schemes::SchemeRecord;
pub use store::{Backend, Store};
pub use submissions::{
    FieldComment, NewSubmission, SubmissionFilter, SubmissionRecord, SubmissionStatus,
    SubmittedValue,
};
pub use tasks::{
    GroupCounts, NewTask, ReminderRecord, TaskBaseFilter, TaskBaseRecord, TaskCounts, TaskGrouping,
    TaskRecord, TaskScope, TaskStatus,
};
pub use values::{AnnualPoint, MonthlyPoint};
pub use warning_rules::{NewWarningRules, WarningRulesVersion};
pub use warnings::{NewWarning, WarningFilter, WarningRecord};
pub use work::{ChangeOrder, StarChange, StarMoves};
