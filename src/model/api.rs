//! API tokens (issue 21): their scopes and the record `db::api_tokens` reads.

/// What a token may do. `tickets:write` is the staff-level scope: with it a token also sees
/// internal activities (marked `internal`) and may write internal notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiScope {
    TicketsRead,
    TicketsWrite,
    CustomersRead,
    CustomersWrite,
    TimeRead,
}

impl ApiScope {
    pub const ALL: &'static [ApiScope] = &[
        ApiScope::TicketsRead,
        ApiScope::TicketsWrite,
        ApiScope::CustomersRead,
        ApiScope::CustomersWrite,
        ApiScope::TimeRead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApiScope::TicketsRead => "tickets:read",
            ApiScope::TicketsWrite => "tickets:write",
            ApiScope::CustomersRead => "customers:read",
            ApiScope::CustomersWrite => "customers:write",
            ApiScope::TimeRead => "time:read",
        }
    }

    pub fn parse(s: &str) -> Option<ApiScope> {
        ApiScope::ALL.iter().copied().find(|a| a.as_str() == s)
    }

    /// A stored list (space-separated); unknown words are dropped.
    pub fn parse_list(s: &str) -> Vec<ApiScope> {
        s.split_whitespace().filter_map(ApiScope::parse).collect()
    }

    pub fn join(scopes: &[ApiScope]) -> String {
        scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
    }
}

/// One token as stored (never the token itself: only its hash is kept).
#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub scopes: Vec<ApiScope>,
    pub expires_at: Option<i64>,
    /// The admin who created it; writes through the token carry this staff id.
    pub created_by: i64,
    pub created_by_name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl ApiToken {
    pub fn has(&self, scope: ApiScope) -> bool {
        self.scopes.contains(&scope)
    }

    /// Usable at `now`: not revoked and not expired.
    pub fn live(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| now < e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip() {
        let all = ApiScope::join(ApiScope::ALL);
        assert_eq!(ApiScope::parse_list(&all), ApiScope::ALL);
        assert_eq!(
            ApiScope::parse_list("tickets:read bogus time:read"),
            vec![ApiScope::TicketsRead, ApiScope::TimeRead]
        );
    }
}
