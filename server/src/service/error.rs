//! The service layer's one error type: what went wrong in the terms of the work, never in HTTP's.
//! Routes turn it into `ApiError` (a status and a body), pages into `BackendError`.

use app::model::Violation;

use crate::secrets::SecretError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The input breaks these rules (each names its field).
    #[error("invalid input: {0:?}")]
    Invalid(Vec<Violation>),
    /// One field is wrong, in words (a field outside the model's rules, such as a role).
    #[error("{field}: {reason}")]
    Field { field: String, reason: &'static str },
    #[error("not found")]
    NotFound,
    /// The id or address is taken by something else (which, for the caller).
    #[error("already exists: {0}")]
    Conflict(&'static str),
    /// An admin's change to their own account that would lock them out (demoting or disabling
    /// themselves): refused, so a deployment never loses its last way in by accident.
    #[error("not on one's own account")]
    OwnAccount,
    /// The caller may not do this to this thing (the reason, for the caller).
    #[error("not allowed: {0}")]
    NotAllowed(&'static str),
    /// A write that needs a proof it did not bring, such as an event's token (the reason, for the
    /// caller).
    #[error("not proven: {0}")]
    Unproven(&'static str),
    /// A sign-in that does not hold (the reason, for the caller).
    #[error("sign-in refused: {0}")]
    SignInRefused(&'static str),
    /// Too many attempts: try again after this many seconds.
    #[error("{why} (retry after {retry_after} s)")]
    TooManyAttempts { why: &'static str, retry_after: u64 },
    /// Busy or unavailable for a moment (the reason).
    #[error("busy: {0}")]
    Busy(&'static str),
    #[error("internal: {0}")]
    Internal(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;
