//! The controlled vocabulary of the atlas: kinds of actors, relations and facts.
//!
//! Curated files are checked against these lists so that a typo (`diplomatc`,
//! `hostle`) is an error with its line, not a silently separate category.

/// Kinds of actor.
pub const ACTOR_KINDS: &[&str] = &[
    "state",
    "historical_state",
    "organisation",
    "bloc",
    "institution",
    "person",
    "group",
    "region",
];

/// Relation kinds and, for each, the statuses it may have.
pub const RELATION_KINDS: &[(&str, &[&str])] = &[
    (
        "diplomatic",
        &["established", "interrupted", "severed", "resumed", "none"],
    ),
    (
        "stance",
        &[
            "positive",
            "aligned",
            "cooperative",
            "strained",
            "tense",
            "hostile",
            "adversarial",
            "critical",
            "opposed",
            "threatened",
            "unfavourable",
            "distrustful",
        ],
    ),
    ("alliance", &["member", "partner"]),
    ("membership", &["member", "observer"]),
    (
        "conflict",
        &[
            "war",
            "invasion",
            "intervention",
            "annexation",
            "dispute",
            "rivalry",
            "threat",
            "subversion",
            "proxy",
            "cyber",
        ],
    ),
    ("sanction", &["imposed", "lifted"]),
    (
        "aid",
        &["military", "humanitarian", "intelligence", "economic"],
    ),
    ("support", &["military", "political", "economic"]),
    ("mediation", &["mediator", "broker", "offered"]),
    ("influence", &["sphere", "seeks", "exerts"]),
    (
        "cooperation",
        &["active", "agreement", "dialogue", "exchange"],
    ),
    ("interference", &["election", "covert_influence"]),
    ("dependence", &["energy", "economic"]),
    ("negotiation", &["peace_talks", "talks", "back_channel"]),
    ("competition", &["influence", "arms_race"]),
    ("integration", &["seeks", "member"]),
    ("deployment", &["increased", "buildup", "exercises"]),
    ("leadership", &["leader"]),
];

/// Steps in a treaty's life, in the order they usually happen.
pub const TREATY_STEPS: &[&str] = &[
    "negotiated",
    "signed",
    "adopted",
    "in_force",
    "extended",
    "violation_reported",
    "suspended",
    "withdrawn",
    "expired",
];

/// Kinds of treaties and agreements.
pub const TREATY_KINDS: &[&str] = &["treaty", "agreement", "act", "dialogue", "accord"];

/// Kinds of doctrine-like facts.
pub const DOCTRINE_KINDS: &[&str] = &[
    "doctrine",
    "approach",
    "aim",
    "goal",
    "role",
    "worldview",
    "policy",
    "view",
    "proposal",
];

/// How firmly the source states a fact.
pub const CONFIDENCES: &[&str] = &["stated", "reported", "hedged", "claimed", "disputed"];

/// The statuses allowed for a relation kind, or `None` for an unknown kind.
pub fn statuses_of(kind: &str) -> Option<&'static [&'static str]> {
    RELATION_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, s)| *s)
}

/// Names joined for an error message.
pub fn list(items: &[&str]) -> String {
    items.join(", ")
}
