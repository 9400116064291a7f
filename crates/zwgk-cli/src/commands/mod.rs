//! One module per command.

pub mod history;
pub mod output;
pub mod rules;
pub mod scan;
