//! Loading the data sets a job needs, in parallel, with one report per file.

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::cow::{self, *};
use crate::dataset::{Dataset, Origin};
use crate::error::Result;
use crate::text::ReadReport;
use crate::votes::{self, CountryVote, RollCall, RollCallIssue, VoteMatrix};

/// The structural data sets read for a job. Fields of data sets that were
/// not asked for are empty.
#[derive(Debug, Default)]
pub struct Structural {
    /// Membership spells.
    pub states: Vec<MembershipSpell>,
    /// State-years of system membership.
    pub system: Vec<SystemYear>,
    /// Major-power spells.
    pub majors: Vec<MajorSpell>,
    /// COW country codes.
    pub country_codes: Vec<CountryCode>,
    /// Capabilities.
    pub nmc: Vec<Capabilities>,
    /// Inter-state war participations.
    pub interstate_wars: Vec<InterStateParticipation>,
    /// Extra-state wars.
    pub extrastate_wars: Vec<ExtraStateWar>,
    /// Intra-state wars.
    pub intrastate_wars: Vec<IntraStateWar>,
    /// Non-state wars.
    pub nonstate_wars: Vec<NonStateWar>,
    /// Colonial contiguity spells.
    pub colonial: Vec<ColonialSpell>,
    /// Colonial contiguity dyad-years.
    pub colonial_dyad_years: Vec<ColonialDyadYear>,
    /// Colonial contiguity state-years.
    pub colonial_state_years: Vec<ColonialStateYear>,
    /// Territorial changes.
    pub territorial_changes: Vec<TerritorialChange>,
    /// Dyadic MIDs.
    pub mids: Vec<DyadicMid>,
    /// MID locations.
    pub mid_locations: Vec<MidLocation>,
    /// Country code list.
    pub codelist: Vec<Codes>,
    /// FAS stockpiles.
    pub stockpiles: Vec<Stockpile>,
    /// UN votes.
    pub votes: Vec<CountryVote>,
    /// UN roll calls.
    pub roll_calls: Vec<RollCall>,
    /// UN roll-call issues.
    pub issues: Vec<RollCallIssue>,
    /// UN votes by year and COW state (built when the votes are loaded).
    pub vote_matrix: VoteMatrix,
    /// One report per file read, in [`Dataset::ALL`] order.
    pub reports: Vec<ReadReport>,
}

enum Loaded {
    States(Vec<MembershipSpell>),
    System(Vec<SystemYear>),
    Majors(Vec<MajorSpell>),
    CountryCodes(Vec<CountryCode>),
    Nmc(Vec<Capabilities>),
    Inter(Vec<InterStateParticipation>),
    Extra(Vec<ExtraStateWar>),
    Intra(Vec<IntraStateWar>),
    NonState(Vec<NonStateWar>),
    Colonial(Vec<ColonialSpell>),
    ColonialDy(Vec<ColonialDyadYear>),
    ColonialSy(Vec<ColonialStateYear>),
    Tc(Vec<TerritorialChange>),
    Mids(Vec<DyadicMid>),
    MidLoc(Vec<MidLocation>),
    Codelist(Vec<Codes>),
    Stockpiles(Vec<Stockpile>),
    Votes(Vec<CountryVote>),
    RollCalls(Vec<RollCall>),
    Issues(Vec<RollCallIssue>),
}

fn load_one(origin: &Origin, d: Dataset) -> Result<(Loaded, ReadReport)> {
    let raw = origin.read(d)?;
    fn wrap<T>(r: (Vec<T>, ReadReport), f: fn(Vec<T>) -> Loaded) -> (Loaded, ReadReport) {
        (f(r.0), r.1)
    }
    Ok(match d {
        Dataset::States => wrap(cow::states(&raw)?, Loaded::States),
        Dataset::System => wrap(cow::system(&raw)?, Loaded::System),
        Dataset::Majors => wrap(cow::majors(&raw)?, Loaded::Majors),
        Dataset::CountryCodes => wrap(cow::country_codes(&raw)?, Loaded::CountryCodes),
        Dataset::Nmc => wrap(cow::nmc(&raw)?, Loaded::Nmc),
        Dataset::InterStateWars => wrap(cow::interstate_wars(&raw)?, Loaded::Inter),
        Dataset::ExtraStateWars => wrap(cow::extrastate_wars(&raw)?, Loaded::Extra),
        Dataset::IntraStateWars => wrap(cow::intrastate_wars(&raw)?, Loaded::Intra),
        Dataset::NonStateWars => wrap(cow::nonstate_wars(&raw)?, Loaded::NonState),
        Dataset::ColonialContiguity => wrap(cow::colonial_contiguity(&raw)?, Loaded::Colonial),
        Dataset::ColonialContiguityDyadYears => {
            wrap(cow::colonial_dyad_years(&raw)?, Loaded::ColonialDy)
        }
        Dataset::ColonialContiguityStateYears => {
            wrap(cow::colonial_state_years(&raw)?, Loaded::ColonialSy)
        }
        Dataset::TerritorialChange => wrap(cow::territorial_changes(&raw)?, Loaded::Tc),
        Dataset::DyadicMids => wrap(cow::dyadic_mids(&raw)?, Loaded::Mids),
        Dataset::MidLocations => wrap(cow::mid_locations(&raw)?, Loaded::MidLoc),
        Dataset::CountryCodelist => wrap(cow::codelist(&raw)?, Loaded::Codelist),
        Dataset::NuclearStockpiles => wrap(cow::stockpiles(&raw)?, Loaded::Stockpiles),
        Dataset::UnVotes => wrap(votes::votes(&raw)?, Loaded::Votes),
        Dataset::UnRollCalls => wrap(votes::roll_calls(&raw)?, Loaded::RollCalls),
        Dataset::UnRollCallIssues => wrap(votes::roll_call_issues(&raw)?, Loaded::Issues),
    })
}

impl Structural {
    /// Reads the data sets in `needed` (and what they depend on: the UN votes
    /// need the roll calls and the code list) from `origin`, in parallel.
    ///
    /// Fails on the first file that cannot be read at all; rows that cannot
    /// be read are skipped and listed in [`Structural::reports`].
    pub fn load(origin: &Origin, needed: &[Dataset]) -> Result<Structural> {
        let mut set: BTreeSet<Dataset> = needed.iter().copied().collect();
        if set.contains(&Dataset::UnVotes) {
            set.insert(Dataset::UnRollCalls);
            set.insert(Dataset::CountryCodelist);
        }
        let loaded: Vec<Result<(Loaded, ReadReport)>> =
            set.into_par_iter().map(|d| load_one(origin, d)).collect();
        let mut s = Structural::default();
        for l in loaded {
            let (data, report) = l?;
            s.reports.push(report);
            match data {
                Loaded::States(v) => s.states = v,
                Loaded::System(v) => s.system = v,
                Loaded::Majors(v) => s.majors = v,
                Loaded::CountryCodes(v) => s.country_codes = v,
                Loaded::Nmc(v) => s.nmc = v,
                Loaded::Inter(v) => s.interstate_wars = v,
                Loaded::Extra(v) => s.extrastate_wars = v,
                Loaded::Intra(v) => s.intrastate_wars = v,
                Loaded::NonState(v) => s.nonstate_wars = v,
                Loaded::Colonial(v) => s.colonial = v,
                Loaded::ColonialDy(v) => s.colonial_dyad_years = v,
                Loaded::ColonialSy(v) => s.colonial_state_years = v,
                Loaded::Tc(v) => s.territorial_changes = v,
                Loaded::Mids(v) => s.mids = v,
                Loaded::MidLoc(v) => s.mid_locations = v,
                Loaded::Codelist(v) => s.codelist = v,
                Loaded::Stockpiles(v) => s.stockpiles = v,
                Loaded::Votes(v) => s.votes = v,
                Loaded::RollCalls(v) => s.roll_calls = v,
                Loaded::Issues(v) => s.issues = v,
            }
        }
        if !s.votes.is_empty() {
            let votes = std::mem::take(&mut s.votes);
            if let Some(report) = s.reports.iter_mut().find(|r| r.dataset == Dataset::UnVotes) {
                s.vote_matrix = VoteMatrix::build(&votes, &s.roll_calls, &s.codelist, report);
            }
            s.votes = votes;
        }
        Ok(s)
    }

    /// The report of one data set, when it was read.
    pub fn report(&self, d: Dataset) -> Option<&ReadReport> {
        self.reports.iter().find(|r| r.dataset == d)
    }
}
