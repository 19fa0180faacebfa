//! The classes of a spec change (who it breaks, or that it only adds or only documents) and the
//! semver bump a set of changes needs.

use serde::Serialize;

/// What a change does to one view (the wire, or the Rust API of the generated crates).
///
/// Ordered by weight: the class of several changes is the heaviest of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// Nothing this view can see changed.
    None,
    /// Descriptions, examples, provenance or messages only.
    DocsOnly,
    /// Something new that no existing client or server has to act on.
    Additive,
    /// Code that calls the API (through wacr-client, or by hand) must change.
    BreakingClients,
    /// Servers (implementations of the wacr-server traits, or any server of the API) must change.
    BreakingServers,
    /// Both sides must change.
    BreakingBoth,
}

impl Class {
    pub fn is_breaking(self) -> bool {
        matches!(self, Class::BreakingClients | Class::BreakingServers | Class::BreakingBoth)
    }

    /// The class of two changes together: breaking sides add up, otherwise the heavier wins.
    pub fn join(self, other: Class) -> Class {
        match (self, other) {
            (Class::BreakingClients, Class::BreakingServers) | (Class::BreakingServers, Class::BreakingClients) => Class::BreakingBoth,
            (a, b) => a.max(b),
        }
    }

    /// How the class reads in the report: `breaking (clients)`, `additive`, ...
    pub fn label(self) -> &'static str {
        match self {
            Class::None => "none",
            Class::DocsOnly => "docs-only",
            Class::Additive => "additive",
            Class::BreakingClients => "breaking (clients)",
            Class::BreakingServers => "breaking (servers)",
            Class::BreakingBoth => "breaking (clients and servers)",
        }
    }

    /// The bump this class alone needs.
    pub fn bump(self) -> Bump {
        match self {
            Class::None => Bump::None,
            Class::DocsOnly => Bump::Patch,
            Class::Additive => Bump::Minor,
            _ => Bump::Major,
        }
    }
}

/// The semver bump a change needs: major for a breaking change (in either view), minor for an
/// additive one, patch for docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn label(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// The lowest version after `from` that takes this bump. Before 1.0 Cargo treats the minor
    /// number as major (0.1 -> 0.2 breaks) and the patch number as minor, as `cargo
    /// semver-checks` does.
    pub fn apply(self, from: &semver::Version) -> semver::Version {
        let (major, minor, patch) = (from.major, from.minor, from.patch);
        let (major, minor, patch) = match (self, major) {
            (Bump::None, _) => (major, minor, patch),
            (Bump::Major, 0) => (0, minor + 1, 0),
            (Bump::Major, _) => (major + 1, 0, 0),
            (Bump::Minor, 0) | (Bump::Patch, _) => (major, minor, patch + 1),
            (Bump::Minor, _) => (major, minor + 1, 0),
        };
        semver::Version::new(major, minor, patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaking_sides_add_up_and_the_heavier_class_wins() {
        assert_eq!(Class::BreakingClients.join(Class::BreakingServers), Class::BreakingBoth);
        assert_eq!(Class::Additive.join(Class::DocsOnly), Class::Additive);
        assert_eq!(Class::None.join(Class::BreakingServers), Class::BreakingServers);
        assert_eq!(Class::BreakingBoth.join(Class::BreakingClients), Class::BreakingBoth);
    }

    #[test]
    fn bumps_follow_cargo_semver_before_and_after_1_0() {
        let v = |s| semver::Version::parse(s).unwrap();
        assert_eq!(Bump::Major.apply(&v("0.1.3")), v("0.2.0"));
        assert_eq!(Bump::Minor.apply(&v("0.1.3")), v("0.1.4"));
        assert_eq!(Bump::Patch.apply(&v("0.1.3")), v("0.1.4"));
        assert_eq!(Bump::Major.apply(&v("2.1.3")), v("3.0.0"));
        assert_eq!(Bump::Minor.apply(&v("2.1.3")), v("2.2.0"));
        assert_eq!(Bump::Patch.apply(&v("2.1.3")), v("2.1.4"));
        assert_eq!(Bump::None.apply(&v("2.1.3")), v("2.1.3"));
    }
}
