//! Random tokens, their hashes, and HMAC-signed values.

use base64::Engine as _;
use hmac::{Hmac, Mac as _};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

/// `bytes` random bytes from the OS CSPRNG, URL-safe base64 without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// HMAC-SHA256 of `message` under `key`, URL-safe base64.
pub fn sign(key: &[u8], message: &[u8]) -> String {
    let mut mac = mac(key);
    mac.update(message);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Raw HMAC-SHA256 of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = mac(key);
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// Checks a signature from [`sign`] in constant time.
pub fn verify(key: &[u8], message: &[u8], signature: &str) -> bool {
    let Ok(raw) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    let mut mac = mac(key);
    mac.update(message);
    mac.verify_slice(&raw).is_ok()
}

/// Compares two strings in constant time (for tokens).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn mac(key: &[u8]) -> Hmac<Sha256> {
    match <Hmac<Sha256> as hmac::digest::KeyInit>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = random_token(32);
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token(32));
    }

    #[test]
    fn signatures_verify_and_reject_tampering() {
        let sig = sign(b"key", b"event:1:checkin");
        assert!(verify(b"key", b"event:1:checkin", &sig));
        assert!(!verify(b"key", b"event:2:checkin", &sig));
        assert!(!verify(b"other", b"event:1:checkin", &sig));
        assert!(!verify(b"key", b"event:1:checkin", "not base64!"));
    }

    #[test]
    fn sha256_is_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
