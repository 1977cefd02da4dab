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
}
