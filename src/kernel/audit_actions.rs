//! Every audit action with its zh-CN label, and every audited subject (table) with its
//! label and workbench page: one list, so the audit log never shows a bare code. Audit
//! rows are written with these codes (`noun.verb`); [`super::audit::record`] refuses, in
//! debug builds (every test), an action missing here — a new action cannot forget its
//! label.

/// `(action, label)`, grouped by subject.
pub const ACTIONS: &[(&str, &str)] = &[
    ("staff.sign_in", "登录工作台"),
    ("staff.create", "添加员工"),
    ("staff.disable", "停用员工"),
    ("staff.enable", "启用员工"),
    ("staff.reset_password", "重置员工密码"),
    ("staff.change_password", "修改密码"),
    ("staff.link_user", "关联小程序用户"),
    ("staff.unlink_user", "取消关联小程序用户"),
    ("staff.sign_out_everywhere", "退出全部登录"),
    ("settings.update", "修改协会设置"),
    ("billing_settings.update", "修改收费设置"),
    ("user.register_wechat", "微信注册"),
    ("user.register_phone", "手机号注册"),
    ("user.bind_phone", "绑定手机号"),
    ("user.bind_wechat", "绑定微信"),
    ("user.set_email", "设置通知邮箱"),
    ("user.clear_email", "移除通知邮箱"),
    ("membership.numbering", "修改会员编号规则"),
    ("catalogue.create", "新增会员设置项"),
    ("catalogue.update", "修改会员设置项"),
    ("catalogue.delete", "删除会员设置项"),
    ("application.submit", "提交入会申请"),
    ("application.withdraw", "撤回入会申请"),
    ("application.approve", "通过入会申请"),
    ("application.reject", "驳回入会申请"),
    ("member.edit", "修改会员资料"),
    ("member.import", "导入会员"),
    ("member.paid_until", "更新会费有效期"),
    ("member.reactivate", "恢复会员资格"),
    ("member.expire", "会员资格过期"),
    ("dues.run", "生成会费订单"),
    ("dues.remind", "发送催缴提醒"),
    ("event.create", "创建活动"),
    ("event.update", "修改活动"),
    ("event.published", "发布活动"),
    ("event.draft", "活动撤回为草稿"),
    ("event.cancelled", "取消活动"),
    ("event.rotate_codes", "更换签到二维码"),
    ("registration.create", "活动报名"),
    ("registration.approve", "通过活动报名"),
    ("registration.reject", "驳回活动报名"),
    ("registration.cancel", "取消活动报名"),
    ("registration.promote", "候补转为正式报名"),
    ("registration.check_in", "现场签到"),
    ("lottery.create", "创建抽奖"),
    ("lottery.draw", "抽奖开奖"),
    ("survey.create", "创建问卷"),
    ("survey.update", "修改问卷"),
    ("survey.duplicate", "复制问卷"),
    ("survey.publish", "发布问卷"),
    ("survey.question_add", "添加问卷题目"),
    ("survey.question_update", "修改问卷题目"),
    ("survey.question_delete", "删除问卷题目"),
    ("survey.remind", "提醒未作答者"),
    ("order.create", "生成订单"),
    ("order.pay", "订单收款"),
    ("order.cancel", "取消订单"),
    ("order.refund_request", "申请退款"),
    ("order.refunded", "退款完成"),
    ("invoice.request", "申请发票"),
    ("invoice.issue", "开具发票"),
    ("outbox.retry", "重新发送消息"),
    ("enterprise.hide", "隐藏企业风采"),
    ("enterprise.unhide", "恢复显示企业风采"),
    ("enterprise.submit", "提交企业风采"),
    ("enterprise.approve", "通过企业风采"),
    ("enterprise.reject", "驳回企业风采"),
    ("enterprise.withdraw", "撤回企业风采修改"),
    ("enterprise.delete", "删除企业风采"),
    ("expert.submit", "提交专家信息"),
    ("expert.withdraw", "撤回专家信息修改"),
    ("expert.approve", "通过专家信息"),
    ("expert.reject", "驳回专家信息"),
    ("expert.publish", "发布专家信息"),
    ("expert.assign", "将专家信息交给会员"),
    ("expert.delete", "删除专家信息"),
    ("certificate.submit", "提交荣誉证书"),
    ("certificate.withdraw", "撤回荣誉证书修改"),
    ("certificate.approve", "通过荣誉证书"),
    ("certificate.reject", "驳回荣誉证书"),
    ("certificate.publish", "发布荣誉证书"),
    ("certificate.revoke", "撤销荣誉证书"),
    ("certificate.delete", "删除荣誉证书"),
    ("listing.submit", "提交供需信息"),
    ("listing.withdraw", "撤回供需信息修改"),
    ("listing.approve", "通过供需信息"),
    ("listing.reject", "驳回供需信息"),
    ("listing.list", "上架供需信息"),
    ("listing.unlist", "下架供需信息"),
    ("listing.force_unlist", "强制下架供需信息"),
    ("listing.report", "举报供需信息"),
    ("listing.dismiss_report", "驳回举报"),
    ("listing.delete", "删除供需信息"),
    ("listing_category.create", "新增供需分类"),
    ("listing_category.update", "修改供需分类"),
    ("listing_category.delete", "删除供需分类"),
    ("staff.email", "发送员工待办邮件"),
    ("notices.settings.update", "修改消息通知设置"),
    ("notices.settings.reset", "恢复消息通知默认设置"),
    ("card_style.create", "新增名片样式"),
    ("card_style.update", "修改名片样式"),
    ("article.create", "新建资讯"),
    ("article.update", "修改资讯"),
    ("article.publish", "发布资讯"),
    ("article.unpublish", "撤回资讯"),
    ("article_category.create", "新增资讯栏目"),
    ("banner.create", "新增首页横幅"),
    ("banner.move", "调整首页横幅顺序"),
    ("banner.delete", "删除首页横幅"),
    ("home.shortcuts", "修改首页快捷入口"),
    ("content.teasers", "修改会员内容预览设置"),
    ("ticket.open", "提交客服留言"),
    ("ticket.answer", "回复客服留言"),
    ("ticket.close", "关闭客服留言"),
    ("course.create", "创建课程"),
    ("course.update", "修改课程"),
    ("course.publish", "发布课程"),
    ("course.unpublish", "撤回课程"),
    ("course.enrol", "报名课程"),
    ("course.enrol_paid", "付费课程报名成功"),
    ("course.enrol_refunded", "课程退款取消报名"),
    ("course_certificate.issue", "颁发结业证书"),
    ("lesson.create", "新增课时"),
    ("lesson.update", "修改课时"),
    ("lesson.delete", "删除课时"),
    // library, albums, videos (issue 17)
    ("library.create", "新增资源库资料"),
    ("library.update", "修改资源库资料"),
    ("library.publish", "发布资源库资料"),
    ("library.unpublish", "撤回资源库资料"),
    ("album.create", "新建相册"),
    ("album.update", "修改相册"),
    ("album.publish", "发布相册"),
    ("album.unpublish", "撤回相册"),
    ("album.photo_add", "上传相册照片"),
    ("album.photo_update", "修改相册照片"),
    ("album.photo_delete", "删除相册照片"),
    ("video.create", "新增视频"),
    ("video.update", "修改视频"),
    ("video.publish", "发布视频"),
    ("video.unpublish", "撤回视频"),
];

/// `(subject type, label, workbench page with {id})`: what an audit row is about.
pub const SUBJECTS: &[(&str, &str, Option<&str>)] = &[
    ("staff", "员工", Some("/admin/staff")),
    ("users", "用户", None),
    ("settings", "协会设置", Some("/admin/settings")),
    ("membership_settings", "会员设置", Some("/admin/membership-settings")),
    ("applications", "入会申请", Some("/admin/applications/{id}")),
    ("members", "会员", Some("/admin/members/{id}")),
    ("events", "活动", Some("/admin/events/{id}")),
    ("event_registrations", "活动报名", None),
    ("lotteries", "抽奖", Some("/admin/lotteries/{id}")),
    ("surveys", "问卷", Some("/admin/surveys/{id}")),
    ("orders", "订单", Some("/admin/orders/{id}")),
    ("outbox", "消息", Some("/admin/outbox")),
    ("enterprises", "企业风采", Some("/admin/enterprises")),
    ("experts", "专家", Some("/admin/experts/{id}")),
    ("certificates", "荣誉证书", Some("/admin/certificates/{id}")),
    ("listings", "供需信息", Some("/admin/listings/{id}")),
    ("listing_categories", "供需分类", Some("/admin/listing-categories")),
    ("card_styles", "名片样式", Some("/admin/card-styles")),
    ("articles", "资讯", Some("/admin/articles/{id}")),
    ("article_categories", "资讯栏目", Some("/admin/content-home")),
    ("home_banners", "首页横幅", Some("/admin/content-home")),
    ("support_tickets", "客服留言", Some("/admin/tickets/{id}")),
    ("courses", "课程", Some("/admin/courses/{id}")),
    ("course_lessons", "课时", None),
    ("course_enrolments", "课程报名", None),
    ("course_certificates", "结业证书", None),
    ("library_items", "资源库", Some("/admin/library/{id}")),
    ("albums", "相册", Some("/admin/albums/{id}")),
    ("videos", "视频", Some("/admin/videos/{id}")),
];

/// The label of `action`, if it is a known one.
pub fn label(action: &str) -> Option<&'static str> {
    ACTIONS.iter().find(|(a, _)| *a == action).map(|(_, l)| *l)
}

/// The label of a subject type (the code itself when unknown).
pub fn subject_label(subject_type: &str) -> &str {
    SUBJECTS.iter().find(|(s, _, _)| *s == subject_type).map_or(subject_type, |(_, l, _)| l)
}

/// The workbench page of subject `subject_type` #`id`, when it has one.
pub fn subject_link(subject_type: &str, id: Option<i64>) -> Option<String> {
    let (_, _, page) = SUBJECTS.iter().find(|(s, _, _)| *s == subject_type)?;
    let page = (*page)?;
    match (page.contains("{id}"), id) {
        (true, Some(id)) => Some(page.replace("{id}", &id.to_string())),
        (true, None) => None,
        (false, _) => Some(page.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_unique_labelled_and_well_formed() {
        for (i, (action, label)) in ACTIONS.iter().enumerate() {
            assert!(!label.is_empty(), "{action}");
            let (noun, verb) = action.split_once('.').expect("noun.verb");
            assert!(!noun.is_empty() && !verb.is_empty(), "{action}");
            assert!(ACTIONS[i + 1..].iter().all(|(a, _)| a != action), "{action} twice");
        }
    }

    #[test]
    fn the_reviewed_kinds_and_event_states_have_their_actions() {
        use crate::kernel::revisions::RevisionKind;
        for kind in RevisionKind::ALL {
            for verb in ["submit", "withdraw", "approve", "reject", "delete"] {
                let action = format!("{}.{verb}", kind.as_str());
                assert!(label(&action).is_some(), "{action}");
            }
        }
        use crate::events::model::status;
        for to in [status::DRAFT, status::PUBLISHED, status::CANCELLED] {
            assert!(label(&format!("event.{to}")).is_some(), "event.{to}");
        }
    }

    #[test]
    fn subjects_link_to_their_pages() {
        assert_eq!(subject_link("members", Some(7)).as_deref(), Some("/admin/members/7"));
        assert_eq!(subject_link("members", None), None);
        assert_eq!(subject_link("settings", None).as_deref(), Some("/admin/settings"));
        assert_eq!(subject_link("users", Some(1)), None);
        assert_eq!(subject_label("orders"), "订单");
        assert_eq!(subject_label("mystery"), "mystery");
    }
}
