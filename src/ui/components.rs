//! The page's parts, one noun per file.

pub mod armed;
pub mod charges;
pub mod checklist;
pub mod choice;
pub mod compare;
pub mod consumer;
pub mod controls;
pub mod crash_button;
pub mod dashboard;
pub mod database;
pub mod error_banner;
pub mod event_log;
pub mod header;
pub mod help;
pub mod histogram_chart;
pub mod lesson;
pub mod line_chart;
pub mod number_field;
pub mod pipeline;
pub mod queue;
pub mod step_rail;
pub mod strategy;
pub mod sweep;
pub mod tabs;
pub mod toggle;
pub mod totals;
