//! Where the bytes of uploaded files live, behind one type: the data directory (the
//! default) or an S3-compatible bucket through `object_store`. Both use the same
//! content-hash names, `<aa>/<sha256>.<ext>`, so moving a deployment to a bucket is a
//! copy of `data/files/` into it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use object_store::ObjectStore as _;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::signer::Signer as _;

use crate::config::StorageConfig;
use crate::error::AppError;

/// The store of uploaded bytes.
#[derive(Debug, Clone)]
pub enum Blobs {
    /// Files under a directory.
    Local(PathBuf),
    /// Objects in a bucket.
    S3(Arc<Bucket>),
}

/// An S3-compatible bucket.
#[derive(Debug)]
pub struct Bucket {
    store: AmazonS3,
    /// Public files are answered with a redirect to a presigned URL valid this long.
    redirect: Option<std::time::Duration>,
}

impl Blobs {
    /// The store `config` names; local files go under `local_root`.
    pub fn from_config(config: &StorageConfig, local_root: PathBuf) -> anyhow::Result<Self> {
        if !config.is_s3() {
            return Ok(Self::Local(local_root));
        }
        let mut builder = AmazonS3Builder::new()
            .with_region(&config.region)
            .with_bucket_name(&config.bucket)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(config.secret_access_key.expose())
            .with_virtual_hosted_style_request(!config.path_style);
        if !config.endpoint.is_empty() {
            builder = builder
                .with_endpoint(&config.endpoint)
                .with_allow_http(config.endpoint.starts_with("http://"));
        }
        let store = builder.build().map_err(|e| anyhow::anyhow!("media.storage: {e}"))?;
        let redirect = (config.public == "redirect")
            .then(|| std::time::Duration::from_secs(config.redirect_seconds));
        Ok(Self::S3(Arc::new(Bucket { store, redirect })))
    }

    /// Stores `bytes` as `name` unless it is already there (same name, same bytes);
    /// `true` when this call wrote it (so a failed upload may remove it again).
    pub async fn put_new(&self, name: &str, bytes: &[u8]) -> Result<bool, AppError> {
        match self {
            Self::Local(root) => write_new(&root.join(name), bytes).await,
            Self::S3(bucket) => {
                let key = Key::from(name);
                match bucket.store.head(&key).await {
                    Ok(_) => return Ok(false),
                    Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => return Err(AppError::internal(e)),
                }
                let payload = object_store::PutPayload::from(bytes.to_vec());
                bucket.store.put(&key, payload).await.map_err(AppError::internal)?;
                Ok(true)
            }
        }
    }

    /// The bytes stored as `name`; 404 when there are none.
    /// The file on disk of `name`, when the store is the data directory (large files are
    /// then streamed from it instead of read into memory).
    pub fn local_path(&self, name: &str) -> Option<PathBuf> {
        match self {
            Self::Local(root) => Some(root.join(name)),
            Self::S3(_) => None,
        }
    }

    /// Reads the bytes of `name`.
    pub async fn get(&self, name: &str) -> Result<Vec<u8>, AppError> {
        match self {
            Self::Local(root) => {
                tokio::fs::read(root.join(name)).await.map_err(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => super::not_found(),
                    _ => AppError::internal(e),
                })
            }
            Self::S3(bucket) => {
                let got = match bucket.store.get(&Key::from(name)).await {
                    Ok(got) => got,
                    Err(object_store::Error::NotFound { .. }) => return Err(super::not_found()),
                    Err(e) => return Err(AppError::internal(e)),
                };
                Ok(got.bytes().await.map_err(AppError::internal)?.to_vec())
            }
        }
    }

    /// Removes `name` (an orphan of a failed upload).
    pub async fn remove(&self, name: &str) -> Result<(), AppError> {
        match self {
            Self::Local(root) => Ok(tokio::fs::remove_file(root.join(name)).await?),
            Self::S3(bucket) => {
                bucket.store.delete(&Key::from(name)).await.map_err(AppError::internal)
            }
        }
    }

    /// A presigned URL of `name`, when public files are served by redirect.
    pub async fn redirect_url(&self, name: &str) -> Result<Option<String>, AppError> {
        let Self::S3(bucket) = self else { return Ok(None) };
        let Some(valid) = bucket.redirect else { return Ok(None) };
        let url = bucket
            .store
            .signed_url(reqwest::Method::GET, &Key::from(name), valid)
            .await
            .map_err(AppError::internal)?;
        Ok(Some(url.to_string()))
    }
}

/// Writes `bytes` to `path` unless identical bytes are already there (same hash), via a
/// temporary file and a rename so a reader never sees half a file.
async fn write_new(path: &Path, bytes: &[u8]) -> Result<bool, AppError> {
    if tokio::fs::try_exists(path).await? {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await?;
    }
    let tmp = path.with_extension(format!("tmp{}", crate::kernel::tokens::random_token(6)));
    tokio::fs::write(&tmp, bytes).await?;
    tokio::fs::rename(&tmp, path).await?;
    Ok(true)
}
