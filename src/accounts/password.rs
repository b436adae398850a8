//! argon2id password hashing.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};

use crate::error::AppError;

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(anyhow::anyhow!("hashing failed: {e}")))
}

/// Checks a password against a PHC string; a malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Letters and digits that cannot be mistaken for one another when a first password is
/// read out or copied by hand: no 0/O/o, 1/l/I/i, 5/S, 2/Z, 8/B, u/v.
const UNAMBIGUOUS: &[u8] = b"34679abcdefghjkmnpqrstwxyzACDEFGHJKLMNPQRTWXY";

/// A random first password an admin hands over: three groups of four unambiguous
/// characters (`k7Rf-3wXa-Hq9m`, about 66 bits), asked to be changed at first sign-in.
pub fn first_password() -> String {
    use rand::Rng as _;
    let mut rng = rand::rng();
    let mut out = String::with_capacity(14);
    for i in 0..12 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(char::from(UNAMBIGUOUS[rng.random_range(0..UNAMBIGUOUS.len())]));
    }
    out
}

/// A hash that matches nothing, verified against when the username is unknown so that
/// timing does not reveal which usernames exist.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1Bz0ZyiE2L0a6o8Zs9WHjd0c3YqPfkz7dNvEwy1m7tM";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_passwords_avoid_look_alike_characters() {
        let a = first_password();
        assert_eq!((a.len(), a.matches('-').count()), (14, 2), "{a}");
        assert_ne!(a, first_password());
        for _ in 0..200 {
            let p = first_password();
            assert!(p.chars().all(|c| c == '-' || UNAMBIGUOUS.contains(&(c as u8))), "{p}");
            assert!(!p.contains(['0', 'O', 'o', '1', 'l', 'I', 'i']), "{p}");
            assert!(crate::accounts::model::validate_password(&p).is_ok());
        }
    }

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("correct horse").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert!(verify("correct horse", &a));
        assert!(!verify("wrong horse!", &a));
        assert_ne!(a, hash("correct horse").unwrap());
        assert!(!verify("anything", DUMMY_HASH));
        assert!(!verify("anything", "not a hash"));
    }
}
