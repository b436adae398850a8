//! The completion certificate's design: where each text goes (percent of the canvas
//! and font size), stored as JSON on the course, with its checks.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// Where one text stands on the certificate: percent of width and height from the top
/// left (the text's centre), and its size in pixels on the 1600×1131 canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextPos {
    /// Percent of the width (0–100).
    pub x: u8,
    /// Percent of the height (0–100).
    pub y: u8,
    /// Font size in pixels (12–160).
    pub size: u16,
}

/// Where the certificate's texts go (结业证书版式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateLayout {
    /// The certificate's name (e.g. 结业证书).
    pub title: TextPos,
    /// The learner's real name.
    pub name: TextPos,
    /// The description line with the course's title.
    pub body: TextPos,
    /// The certificate number.
    pub number: TextPos,
    /// The date of issue.
    pub date: TextPos,
}

impl Default for CertificateLayout {
    fn default() -> Self {
        let at = |y: u8, size: u16| TextPos { x: 50, y, size };
        Self {
            title: at(20, 96),
            name: at(42, 80),
            body: at(56, 40),
            number: at(82, 28),
            date: at(87, 28),
        }
    }
}

impl CertificateLayout {
    /// The stored layout (the default for an empty or unreadable value).
    pub fn parse(stored: &str) -> Self {
        serde_json::from_str(stored).unwrap_or_default()
    }

    /// The positions by field name, in form order.
    pub fn fields(&self) -> [(&'static str, &'static str, TextPos); 5] {
        [
            ("title", "证书名称", self.title),
            ("name", "学员姓名", self.name),
            ("body", "证书说明", self.body),
            ("number", "证书编号", self.number),
            ("date", "颁发日期", self.date),
        ]
    }

    /// Adds a field error per text out of bounds.
    pub fn check(&self, errors: &mut Vec<FieldError>) {
        for (field, label, pos) in self.fields() {
            if pos.x > 100 || pos.y > 100 || !(12..=160).contains(&pos.size) {
                errors.push(FieldError::new(
                    format!("layout_{field}"),
                    format!("{label}的位置须在 0–100 之间，字号 12–160"),
                ));
            }
        }
    }
}
