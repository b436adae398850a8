//! The `guildhall` binary's commands against the test's database.

use std::io::Write as _;
use std::process::{Command, Stdio};

use crate::support::TestApp;

fn guildhall(app: &TestApp, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_guildhall"))
        .args(args)
        .env_clear()
        .env("GUILDHALL_DATA_DIR", app.data_dir.path())
        .env("DATABASE_URL", &app.state.config.database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn create_staff_makes_an_account_that_can_sign_in() {
    let app = TestApp::spawn().await;
    let out = guildhall(
        &app,
        &["create-staff", "--username", "chief", "--role", "admin", "--password-stdin"],
        "a-long-password\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let res = app.sign_in(&app.client(), "chief", "a-long-password").await;
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn create_staff_refuses_missing_or_weak_passwords_and_bad_roles() {
    let app = TestApp::spawn().await;
    for (args, stdin) in [
        (vec!["create-staff", "--username", "chief", "--role", "admin", "--password-stdin"], ""),
        (
            vec!["create-staff", "--username", "chief", "--role", "admin", "--password-stdin"],
            "short\n",
        ),
        (
            vec!["create-staff", "--username", "chief", "--role", "root", "--password-stdin"],
            "a-long-password\n",
        ),
    ] {
        let out = guildhall(&app, &args, stdin);
        assert!(!out.status.success(), "{args:?} with {stdin:?} should fail");
    }
    assert_eq!(app.count_rows("staff").await, 0);
}

#[tokio::test]
async fn check_config_names_bad_settings_and_never_prints_secrets() {
    let app = TestApp::spawn().await;
    let out = guildhall(&app, &["check-config"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    let secrets = std::fs::read_to_string(app.data_dir.path().join("secrets.toml")).unwrap();
    for line in secrets.lines().filter_map(|l| l.split_once(" = ")) {
        let value = line.1.trim_matches('"');
        assert!(!printed.contains(value), "secret printed: {printed}");
    }

    let mut child = Command::new(env!("CARGO_BIN_EXE_guildhall"))
        .arg("check-config")
        .env_clear()
        .env("GUILDHALL_BIND", "not-an-address")
        .output()
        .unwrap();
    assert!(!child.status.success());
    let err = String::from_utf8_lossy(&child.stderr).into_owned();
    assert!(err.contains("GUILDHALL_BIND"), "{err}");
    child.stdout.clear();
}

#[test]
fn production_refuses_the_development_sms_provider() {
    let out = Command::new(env!("CARGO_BIN_EXE_guildhall"))
        .arg("check-config")
        .env_clear()
        .env("GUILDHALL_ENVIRONMENT", "production")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("sms.provider") && err.contains("development"), "{err}");
}
