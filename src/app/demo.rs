//! Demo data (being written).

use crate::app::App;
use crate::error::Result;

pub struct Options {
    pub customers: usize,
    pub tickets: usize,
    pub activities: usize,
    pub seed: u64,
}

pub fn fill(_app: &App, _opts: &Options) -> Result<String> {
    Ok(String::new())
}
