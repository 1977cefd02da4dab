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

/// Admins only (an empty list: admins always pass).
pub const ADMINS: Access = Access::Roles(&[]);
/// Who moderates entries.
pub const MODERATORS: Access = Access::Roles(&[Role::Worker, Role::Advisor]);
/// Who runs events and types in paper forms.
pub const WORKERS: Access = Access::Roles(&[Role::Worker]);
/// Who may download raw rows.
pub const RAW_EXPORTERS: Access = Access::Roles(&[Role::Advisor]);

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

/// The longest password sign-in checks (a longer one is refused before hashing).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// A wrong field of a staff account: its name and why.
pub type FieldProblem = (String, &'static str);

/// The rules for a staff e-mail address and password, shared by the API, the staff page and
/// `trefpunt user add`.
pub fn check_new_user(email: &str, password: Option<&str>) -> Result<(), FieldProblem> {
    let at = email.find('@');
    if email.len() > 254
        || at.is_none_or(|i| i == 0 || i == email.len() - 1)
        || email.contains(char::is_whitespace)
        || email.contains(char::is_control)
    {
        return Err(("email".into(), "must be an e-mail address"));
    }
    if password.is_some_and(|p| p.chars().count() < 12) {
        return Err(("password".into(), "must be at least 12 characters"));
    }
    // Sign-in takes no longer password (`service::staff`): such an account could never sign in.
    if password.is_some_and(|p| p.len() > MAX_PASSWORD_BYTES) {
        return Err(("password".into(), "must be at most 1024 bytes"));
    }
    Ok(())
}

/// A comma-separated list of codes (as the store keeps a staff member's gemeenten, and as the staff
/// form takes them), blanks left out.
pub fn split_codes(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect()
}

/// A staff member's gemeenten as CBS codes (upper case, sorted, once each); a wrong one is named
/// by its place in the list.
pub fn check_gemeenten(codes: &[String]) -> Result<Vec<String>, FieldProblem> {
    let mut out: Vec<String> = codes.iter().map(|c| c.trim().to_uppercase()).collect();
    if let Some(i) = out.iter().position(|c| !app::model::is_gemeente_code(c)) {
        return Err((
            format!("gemeenten.{i}"),
            "must be a CBS gemeente code such as GM0505",
        ));
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
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

    #[test]
    fn staff_accounts_need_an_address_a_long_password_and_real_gemeenten() {
        assert!(check_new_user("a@b.nl", Some("twaalf tekens")).is_ok());
        assert!(check_new_user("a@b.nl", None).is_ok());
        assert_eq!(
            check_new_user("geen-adres", None).map_err(|e| e.0),
            Err("email".to_string())
        );
        assert_eq!(
            check_new_user("@b.nl", None).map_err(|e| e.0),
            Err("email".to_string())
        );
        assert_eq!(
            check_new_user("a @b.nl", None).map_err(|e| e.0),
            Err("email".to_string())
        );
        assert_eq!(
            check_new_user("\u{0}@b.nl", None).map_err(|e| e.0),
            Err("email".to_string())
        );
        assert_eq!(
            check_new_user("a@b.nl", Some(&"x".repeat(1025))).map_err(|e| e.0),
            Err("password".to_string())
        );
        assert_eq!(
            check_new_user("a@b.nl", Some("elf tekens!")).map_err(|e| e.0),
            Err("password".to_string())
        );
        assert_eq!(
            check_gemeenten(&[" gm0505".into(), "GM0363".into(), "GM0505".into()]),
            Ok(vec!["GM0363".to_string(), "GM0505".to_string()])
        );
        assert_eq!(
            check_gemeenten(&["GM0505".into(), "WK050501".into()]).map_err(|e| e.0),
            Err("gemeenten.1".to_string())
        );
        assert_eq!(split_codes(" GM0505, ,GM0363,"), vec!["GM0505", "GM0363"]);
    }
}
