//! Differential property test of the lean serde derives (`Sent`, `Received`, the lean
//! `Serialize`/`Deserialize`, `WireEnum`, `Scope`) against serde_derive: every generated model
//! and body, and the hand-written edge cases of `edge.rs`, are compiled twice, once with our
//! derives and once (by `build.rs`) with serde's, and fed the same generated JSON: valid values
//! built from the types, and mutations of them (unknown and duplicate keys, nulls, wrong types,
//! numbers at and past the edges, deep nesting, structs as arrays, enums as objects).

mod check;
#[allow(dead_code, reason = "skipped fields are only set by Default and shown by Debug")]
mod edge;
mod generate;
mod json;
mod schema;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use generate::Catalog;
use schema::Model;

/// The serde_derive twins of the generated models.
mod models_twin {
    use wacr_models::*;
    use wacr_runtime as rt;
    include!(concat!(env!("OUT_DIR"), "/models_twin.rs"));
}

/// The serde_derive twins of the edge cases.
#[allow(dead_code, reason = "skipped fields are only set by Default and shown by Debug")]
mod edge_twin {
    use crate::edge::*;
    use std::collections::BTreeMap;
    use wacr_runtime::{Open, Patch};
    include!(concat!(env!("OUT_DIR"), "/edge_twin.rs"));
}

/// Generated cases per run: each checks its valid input and a mutation of it.
const CASES: u32 = 5_500;
/// The least number of inputs a run must check.
const MIN_INPUTS: usize = 10_000;

fn tables() -> [&'static [Model]; 2] {
    [models_twin::MODELS, edge_twin::MODELS]
}

/// The wire names of each struct of `models`, after checking that the lean derive reads the
/// same names as serde_derive, in the same order.
fn probed_names(models: &'static [Model]) -> HashMap<&'static str, Vec<&'static str>> {
    let mut names = HashMap::new();
    for model in models {
        let Some(probe) = model.probe else { continue };
        let (lean, twin) = probe();
        assert_eq!(lean, twin, "{}: the lean derive reads other keys than serde_derive", model.name);
        assert_eq!(lean.len(), model.fields.len(), "{}: build.rs saw other fields", model.name);
        names.insert(model.name, lean);
    }
    names
}

/// Whether a derive list names one of our derives that write serde impls.
fn derives_serde(line: &str) -> bool {
    let Some(list) = line.trim().strip_prefix("#[derive(") else { return false };
    list.split([',', ' ', ')', ']']).any(|name| ["Sent", "Received", "Serialize", "Deserialize", "WireEnum", "Scope"].contains(&name))
}

#[test]
fn every_lean_derived_type_has_a_twin() {
    let sources = [include_str!("../../../generated/wacr-models/src/models.rs"), include_str!("edge.rs")];
    for (source, models) in sources.into_iter().zip(tables()) {
        let derived = source.lines().filter(|line| derives_serde(line)).count();
        assert_eq!(models.len(), derived, "build.rs missed some of the lean-derived types");
    }
    let names: Vec<&str> = tables().iter().flat_map(|models| models.iter().map(|model| model.name)).collect();
    for expected in ["Contact", "UpdateContactBody", "ErrorEnvelope", "ContactType", "Scope", "Renames", "Widest", "Odd"] {
        assert!(names.contains(&expected), "no twin of {expected}");
    }
}

#[test]
fn lean_derives_accept_read_and_write_what_serde_derive_does() {
    let catalogs = tables().map(|models| Catalog::new(models, probed_names(models)));
    let mut per_model = Vec::new();
    for (table, catalog) in catalogs.iter().enumerate() {
        for (index, model) in tables()[table].iter().enumerate() {
            per_model.push((Just((table, index)), catalog.valid(&model.root, 0), prop::collection::vec(generate::mutation(), 1..4)));
        }
    }
    let (checked, accepted) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let mut runner = TestRunner::new(Config { cases: CASES, failure_persistence: None, ..Config::default() });
    let result = runner.run(&proptest::strategy::Union::new(per_model), |((table, index), valid, mutations)| {
        let model = &tables()[table][index];
        let mut mutated = valid.clone();
        for (mutation, at) in mutations {
            mutation.apply(&mut mutated, at);
        }
        for json in [valid.text(), mutated.text()] {
            let outcome = (model.check)(&json);
            checked.fetch_add(1, Ordering::Relaxed);
            accepted.fetch_add(usize::from(outcome == Ok(true)), Ordering::Relaxed);
            prop_assert!(outcome.is_ok(), "{}: {}\ninput: {json}", model.name, outcome.unwrap_err());
        }
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
    let (checked, accepted) = (checked.into_inner(), accepted.into_inner());
    println!("{checked} inputs checked, {accepted} accepted by both");
    assert!(checked >= MIN_INPUTS, "only {checked} inputs checked");
    assert!(accepted * 5 >= checked, "only {accepted} of {checked} inputs were valid: the generator drifted from the types");
}
