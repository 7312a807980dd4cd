//! Real data sets bundled with detente; see `data/SOURCE.md` in this crate.

use serde::Deserialize;

use crate::{Error, Result};

const STOCKPILES: &str = include_str!("../../structural/data/nuclear_weapons_stockpiles.csv");
const INVENTORIES: &str = include_str!("../../structural/data/nuclear_weapons_inventories.csv");

/// The citation of the FAS warhead estimates.
pub const FAS_CITATION: &str = "Kristensen, Korda & Norris (2023), Status of World Nuclear Forces, Federation of American Scientists (via Our World in Data, CC BY 4.0)";

/// One country-year of the FAS stockpile estimates.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Stockpile {
    /// Country as FAS names it (the Soviet Union is "Russia").
    pub country_name: String,
    /// Year.
    pub year: i32,
    /// Estimated warheads in the stockpile.
    pub nuclear_weapons_stockpile: f64,
}

/// One country-year of the FAS inventories by category.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Inventory {
    /// Country.
    pub country_name: String,
    /// Year.
    pub year: i32,
    /// Deployed strategic warheads.
    pub nuclear_weapons_depl_strat: f64,
    /// Deployed non-strategic warheads.
    pub nuclear_weapons_depl_nonstrat: f64,
    /// Retired warheads awaiting dismantlement.
    pub nuclear_weapons_retired: f64,
    /// Non-deployed reserve.
    pub nuclear_weapons_reserve_nondepl: f64,
    /// Total inventory.
    pub nuclear_weapons_inventory: f64,
}

fn read<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<std::result::Result<Vec<T>, _>>()
        .map_err(|e| Error::Data(format!("internal error: bundled {name}: {e}")))
}

/// Yearly warhead stockpiles, 1945-2023.
pub fn stockpiles() -> Result<Vec<Stockpile>> {
    read("nuclear_weapons_stockpiles.csv", STOCKPILES)
}

/// Warhead inventories by category, 2022-2023.
pub fn inventories() -> Result<Vec<Inventory>> {
    read("nuclear_weapons_inventories.csv", INVENTORIES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_tables_read_whole() {
        let s = stockpiles().unwrap();
        assert_eq!(s.len(), 869);
        // FAS: the Soviet stockpile peaked at 40,159 in 1986.
        let peak = s
            .iter()
            .filter(|r| r.country_name == "Russia")
            .max_by(|a, b| {
                a.nuclear_weapons_stockpile
                    .total_cmp(&b.nuclear_weapons_stockpile)
            })
            .unwrap();
        assert_eq!((peak.year, peak.nuclear_weapons_stockpile), (1986, 40159.0));
        assert_eq!(inventories().unwrap().len(), 18);
    }
}
