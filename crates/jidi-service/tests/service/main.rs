//! The service tests, as one test binary: the service and storage stack is compiled and linked
//! once instead of once per file.

mod catalogue;
mod flow;
mod late_reports;
mod monitoring;
mod plans;
mod report;
mod report_pdf;
mod tasks;
mod warning_proposals;
mod warning_rules;
mod workbook;
