//! Staff roles and what each may do. Residents have no role: they never sign in.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including managing staff and reading the audit log.
    Admin,
    /// Dashboards, raw exports, moderation of their campaigns.
    Advisor,
    /// Opbouwwerker: events, paper entry, moderation.
    Worker,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Advisor, Role::Worker];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Advisor => "advisor",
            Role::Worker => "worker",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Who may use a staff route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Any signed-in staff member.
    Staff,
    /// Only these roles; admins always pass.
    Roles(&'static [Role]),
}

impl Access {
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Staff => true,
            Access::Roles(roles) => role == Role::Admin || roles.contains(&role),
        }
    }
}

/// Whose entries a staff member sees: an admin everyone's, others those of their gemeenten, so one
/// deployment can serve a region and keep each gemeente's data apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Gemeenten(Vec<String>),
}

impl Scope {
    /// Whether an entry in `gemeente` (None: outside every imported area) is within this scope.
    pub fn covers(&self, gemeente: Option<&str>) -> bool {
        match self {
            Scope::All => true,
            Scope::Gemeenten(codes) => gemeente.is_some_and(|g| codes.iter().any(|c| c == g)),
        }
    }

    /// Whether a campaign over `gemeenten` (empty: the whole country) concerns this scope.
    pub fn sees_campaign(&self, gemeenten: &[String]) -> bool {
        match self {
            Scope::All => true,
            Scope::Gemeenten(codes) => {
                gemeenten.is_empty() || gemeenten.iter().any(|g| codes.contains(g))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_pass_everywhere_others_only_where_named() {
        let advisors = Access::Roles(&[Role::Advisor]);
        assert!(advisors.allows(Role::Admin));
        assert!(advisors.allows(Role::Advisor));
        assert!(!advisors.allows(Role::Worker));
        assert!(!Access::Roles(&[]).allows(Role::Advisor));
        assert!(Access::Staff.allows(Role::Worker));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("resident"), None);
    }

    #[test]
    fn a_scope_keeps_other_gemeenten_out() {
        let dordrecht = Scope::Gemeenten(vec!["GM0505".into()]);
        assert!(dordrecht.covers(Some("GM0505")));
        assert!(!dordrecht.covers(Some("GM0482")) && !dordrecht.covers(None));
        assert!(Scope::All.covers(None));
        assert!(!Scope::Gemeenten(vec![]).covers(Some("GM0505")));
        assert!(dordrecht.sees_campaign(&[]) && dordrecht.sees_campaign(&["GM0505".into()]));
        assert!(!dordrecht.sees_campaign(&["GM0482".into()]));
    }
}
