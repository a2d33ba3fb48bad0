//! The web tests, as one test binary: the web stack is compiled and linked once instead of once
//! per file, and the demo databases that tests copy (`TestDb::fill_from_template`) are built
//! once for all of them.

mod support;

mod api_evaluation;
mod api_files;
mod api_roll;
mod api_values;
mod browser;
mod catalogue;
mod english;
mod green;
mod hostile;
mod monitoring;
mod pages;
mod pages_values;
mod reports;
mod tables;
mod tasks;
mod warning_rules;
mod work;
mod workbook;
