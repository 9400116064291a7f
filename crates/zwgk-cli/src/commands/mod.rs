//! One module per command.

pub mod rules;
pub mod scan;
