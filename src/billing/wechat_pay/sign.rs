//! WeChat Pay API v3 cryptography: RSA-SHA256 (PKCS#1 v1.5) request, response and
//! `wx.requestPayment` signatures, and the AEAD_AES_256_GCM notification resource. Only
//! the `rsa`, `sha2` and `aes-gcm` crates do the work; this file builds the messages.

use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use rsa::pkcs1::{DecodeRsaPrivateKey as _, DecodeRsaPublicKey as _};
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
use rsa::signature::{SignatureEncoding as _, Signer as _, Verifier as _};
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;

/// The scheme name in the `Authorization` header.
pub const SCHEME: &str = "WECHATPAY2-SHA256-RSA2048";

/// The message a merchant request is signed over.
pub fn request_message(
    method: &str,
    path_and_query: &str,
    timestamp: i64,
    nonce: &str,
    body: &str,
) -> String {
    format!("{method}\n{path_and_query}\n{timestamp}\n{nonce}\n{body}\n")
}

/// The message WeChat signs its answers and notifications over.
pub fn response_message(timestamp: &str, nonce: &str, body: &str) -> String {
    format!("{timestamp}\n{nonce}\n{body}\n")
}

/// The message of `wx.requestPayment`'s `paySign`.
pub fn pay_sign_message(app_id: &str, timestamp: &str, nonce: &str, package: &str) -> String {
    format!("{app_id}\n{timestamp}\n{nonce}\n{package}\n")
}

/// Base64 of the RSA-SHA256 signature of `message`.
pub fn sign(key: &RsaPrivateKey, message: &str) -> String {
    let signature = SigningKey::<Sha256>::new(key.clone()).sign(message.as_bytes());
    B64.encode(signature.to_bytes())
}

/// Whether `signature` (base64) is `key`'s signature of `message`.
pub fn verify(key: &RsaPublicKey, message: &str, signature: &str) -> bool {
    let Ok(bytes) = B64.decode(signature.trim()) else { return false };
    let Ok(signature) = Signature::try_from(bytes.as_slice()) else { return false };
    VerifyingKey::<Sha256>::new(key.clone()).verify(message.as_bytes(), &signature).is_ok()
}

/// The `Authorization` header value of a signed merchant request.
pub fn authorization(
    mch_id: &str,
    serial_no: &str,
    nonce: &str,
    timestamp: i64,
    signature: &str,
) -> String {
    format!(
        "{SCHEME} mchid=\"{mch_id}\",nonce_str=\"{nonce}\",signature=\"{signature}\",\
         timestamp=\"{timestamp}\",serial_no=\"{serial_no}\""
    )
}

/// Decrypts a notification resource with the API v3 key (32 bytes).
pub fn decrypt_resource(
    api_v3_key: &[u8],
    nonce: &str,
    associated_data: &str,
    ciphertext: &str,
) -> Result<Vec<u8>, &'static str> {
    let cipher = Aes256Gcm::new_from_slice(api_v3_key).map_err(|_| "API v3 key is not 32 bytes")?;
    if nonce.len() != 12 {
        return Err("nonce is not 12 bytes");
    }
    let data = B64.decode(ciphertext.trim()).map_err(|_| "ciphertext is not base64")?;
    cipher
        .decrypt(
            Nonce::from_slice(nonce.as_bytes()),
            Payload { msg: &data, aad: associated_data.as_bytes() },
        )
        .map_err(|_| "ciphertext does not decrypt with the API v3 key")
}

/// Reads a private key in PKCS#8 (`apiclient_key.pem`) or PKCS#1 PEM.
pub fn private_key(pem: &str) -> Result<RsaPrivateKey, String> {
    RsaPrivateKey::from_pkcs8_pem(pem)
        .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem))
        .map_err(|e| format!("not an RSA private key in PEM: {e}"))
}

/// Reads a public key in SPKI (`pub_key.pem`) or PKCS#1 PEM.
pub fn public_key(pem: &str) -> Result<RsaPublicKey, String> {
    RsaPublicKey::from_public_key_pem(pem)
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem))
        .map_err(|e| format!("not an RSA public key in PEM: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_end_every_line_with_a_newline() {
        assert_eq!(request_message("GET", "/v3/x?a=1", 7, "n", ""), "GET\n/v3/x?a=1\n7\nn\n\n");
        assert_eq!(response_message("7", "n", "{}"), "7\nn\n{}\n");
        assert_eq!(pay_sign_message("wx1", "7", "n", "prepay_id=p"), "wx1\n7\nn\nprepay_id=p\n");
    }

    #[test]
    fn decrypt_refuses_wrong_sizes_and_garbage() {
        assert!(decrypt_resource(b"short", "123456789012", "", "AAAA").is_err());
        let key = [7u8; 32];
        assert!(decrypt_resource(&key, "short", "", "AAAA").is_err());
        assert!(decrypt_resource(&key, "123456789012", "", "!!").is_err());
        assert!(decrypt_resource(&key, "123456789012", "", "AAAAAAAAAAAAAAAAAAAAAAAA").is_err());
    }
}
