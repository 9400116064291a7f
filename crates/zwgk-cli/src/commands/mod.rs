//! One module per command.

pub mod history;
pub mod output;
pub mod probe;
pub mod rules;
pub mod scan;
