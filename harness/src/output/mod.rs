//! What the person at the terminal sees.

pub mod progress;
pub mod table;
