//! Notice kinds (one typed list, each with its zh-CN title) and the stored notice row.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::notices;

/// Every kind of notice the association sends a user. A new kind cannot lack its title:
/// the match below is exhaustive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// A membership application was approved or rejected.
    ApplicationDecided,
    /// Staff approved or rejected an event registration.
    RegistrationDecided,
    /// A place freed up: the registration moved up from the waiting list.
    WaitlistPromoted,
    /// An order was paid.
    OrderPaid,
    /// An order's money was given back.
    OrderRefunded,
    /// Dues are due soon or overdue.
    DuesReminder,
    /// Dues lapsed past the grace period: the membership expired.
    MembershipExpired,
    /// A reviewed item (expert, certificate) was approved or rejected.
    ReviewDecided,
    /// Staff gave an expert profile to the member.
    ExpertAssigned,
    /// Staff revoked the member's certificate.
    CertificateRevoked,
    /// A survey or poll the user has not answered yet.
    SurveyReminder,
    /// Staff hid or showed again one of the member's enterprises.
    EnterpriseHidden,
    /// An event the user registered for changed its time or place.
    EventChanged,
    /// An event the user registered for was cancelled.
    EventCancelled,
    /// Finance issued the invoice the user asked for.
    InvoiceIssued,
    /// Staff unlisted the member's marketplace listing (with a note).
    ListingUnlisted,
    /// Staff: new items wait in a review queue they may decide.
    QueueItems,
    /// Staff answered the user's support ticket.
    TicketAnswered,
    /// The learner passed a course: the completion certificate was issued.
    CourseCompleted,
}

impl NoticeKind {
    /// Every kind, for settings pages and tests.
    pub const ALL: [Self; 19] = [
        Self::ApplicationDecided,
        Self::RegistrationDecided,
        Self::WaitlistPromoted,
        Self::OrderPaid,
        Self::OrderRefunded,
        Self::DuesReminder,
        Self::MembershipExpired,
        Self::ReviewDecided,
        Self::ExpertAssigned,
        Self::CertificateRevoked,
        Self::SurveyReminder,
        Self::EnterpriseHidden,
        Self::EventChanged,
        Self::EventCancelled,
        Self::InvoiceIssued,
        Self::ListingUnlisted,
        Self::QueueItems,
        Self::TicketAnswered,
        Self::CourseCompleted,
    ];

    /// The template key (outbox `template`, provider template mapping).
    pub fn key(self) -> &'static str {
        match self {
            Self::ApplicationDecided => "application_decided",
            Self::RegistrationDecided => "event_registration_decided",
            Self::WaitlistPromoted => "event_waitlist_promoted",
            Self::OrderPaid => "order_paid",
            Self::OrderRefunded => "order_refunded",
            Self::DuesReminder => "dues_reminder",
            Self::MembershipExpired => "membership_expired",
            Self::ReviewDecided => "review_decided",
            Self::ExpertAssigned => "expert_assigned",
            Self::CertificateRevoked => "certificate_revoked",
            Self::SurveyReminder => "survey_reminder",
            Self::EnterpriseHidden => "enterprise_hidden",
            Self::EventChanged => "event_changed",
            Self::EventCancelled => "event_cancelled",
            Self::InvoiceIssued => "invoice_issued",
            Self::ListingUnlisted => "listing_unlisted",
            Self::QueueItems => "staff_queue_items",
            Self::TicketAnswered => "ticket_answered",
            Self::CourseCompleted => "course_completed",
        }
    }

    /// The title shown in the mini-program's notice list.
    pub fn title(self) -> &'static str {
        match self {
            Self::ApplicationDecided => "申请审核结果",
            Self::RegistrationDecided => "活动报名审核结果",
            Self::WaitlistPromoted => "候补转正通知",
            Self::OrderPaid => "缴费成功",
            Self::OrderRefunded => "退款通知",
            Self::DuesReminder => "会费缴纳提醒",
            Self::MembershipExpired => "会籍到期通知",
            Self::ReviewDecided => "信息审核结果",
            Self::ExpertAssigned => "专家信息分配通知",
            Self::CertificateRevoked => "证书撤销通知",
            Self::SurveyReminder => "问卷/投票提醒",
            Self::EnterpriseHidden => "企业信息隐藏通知",
            Self::EventChanged => "活动变更通知",
            Self::EventCancelled => "活动取消通知",
            Self::InvoiceIssued => "发票开具通知",
            Self::ListingUnlisted => "供需信息下架通知",
            Self::QueueItems => "待审核事项提醒",
            Self::TicketAnswered => "留言回复通知",
            Self::CourseCompleted => "课程结业通知",
        }
    }

    /// Whether an SMS is worth its cost when WeChat cannot carry the notice (the
    /// default of the per-kind setting `sms_fallback`).
    pub fn sms_worth_it(self) -> bool {
        match self {
            Self::ApplicationDecided => true,
            Self::RegistrationDecided => true,
            Self::WaitlistPromoted => true,
            Self::OrderPaid => false,
            Self::OrderRefunded => true,
            Self::DuesReminder => true,
            Self::MembershipExpired => true,
            Self::ReviewDecided => false,
            Self::ExpertAssigned => false,
            Self::CertificateRevoked => true,
            Self::SurveyReminder => false,
            Self::EnterpriseHidden => false,
            Self::EventChanged => true,
            Self::EventCancelled => true,
            Self::InvoiceIssued => false,
            Self::ListingUnlisted => false,
            Self::QueueItems => false,
            Self::TicketAnswered => false,
            Self::CourseCompleted => false,
        }
    }

    /// The kind of a stored key.
    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// A notice to one user: its kind, the sentence the user reads, and the fields the
/// providers' templates take.
#[derive(Debug, Clone)]
pub struct Notice {
    /// What happened.
    pub kind: NoticeKind,
    /// One zh-CN sentence, e.g. "您的入会申请已通过".
    pub body: String,
    /// Template fields for SMS / WeChat / e-mail.
    pub payload: serde_json::Value,
}

/// A stored in-app notice.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notices)]
pub struct NoticeRow {
    /// Id.
    pub id: i64,
    /// The user it was sent to.
    pub user_id: i64,
    /// [`NoticeKind::key`].
    pub kind: String,
    /// [`NoticeKind::title`] when it was sent.
    pub title: String,
    /// The sentence.
    pub body: String,
    /// When the user read it.
    pub read_at: Option<NaiveDateTime>,
    /// When it was sent (UTC).
    pub created_at: NaiveDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_distinct_keys_and_titles() {
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(kind.key()), Some(kind));
            assert!(!kind.title().is_empty());
        }
        let keys: std::collections::HashSet<_> = NoticeKind::ALL.iter().map(|k| k.key()).collect();
        assert_eq!(keys.len(), NoticeKind::ALL.len());
    }
}
