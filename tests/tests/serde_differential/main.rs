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
use json::Mutation;
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

/// Generated inputs per run: each case checks its valid input and a mutation of it.
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

#[test]
fn every_model_and_edge_case_has_a_twin() {
    let names: Vec<&str> = tables().iter().flat_map(|models| models.iter().map(|model| model.name)).collect();
    for expected in ["Contact", "UpdateContactBody", "ErrorEnvelope", "ContactType", "Scope", "Renames", "Widest", "Odd"] {
        assert!(names.contains(&expected), "no twin of {expected}");
    }
    assert!(names.len() > 90, "{} twins", names.len());
}

#[test]
fn lean_derives_accept_read_and_write_what_serde_derive_does() {
    let checked = AtomicUsize::new(0);
    let accepted = AtomicUsize::new(0);
    for models in tables() {
        let catalog = Catalog::new(models, probed_names(models));
        let per_model: Vec<_> = models
            .iter()
            .enumerate()
            .map(|(index, model)| (Just(index), catalog.valid(&model.root, 0), prop::collection::vec(generate::mutation(), 1..4)))
            .collect();
        let strategy = proptest::strategy::Union::new(per_model);
        let cases = CASES * u32::try_from(models.len()).unwrap_or(1) / u32::try_from(tables().iter().map(|t| t.len()).sum::<usize>()).unwrap_or(1);
        let mut runner = TestRunner::new(Config { cases: cases.max(1), failure_persistence: None, ..Config::default() });
        let result = runner.run(&strategy, |(index, valid, mutations)| {
            let model = &models[index];
            let mut mutated = valid.clone();
            for (mutation, at) in mutations {
                Mutation::apply(mutation, &mut mutated, at);
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
    }
    let (checked, accepted) = (checked.into_inner(), accepted.into_inner());
    println!("{checked} inputs checked, {accepted} accepted by both");
    assert!(checked >= MIN_INPUTS, "only {checked} inputs checked");
    assert!(accepted * 5 >= checked, "only {accepted} of {checked} inputs were valid: the generator drifted from the types");
}
