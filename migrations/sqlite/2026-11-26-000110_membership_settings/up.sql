-- Member numbering (one row) and the defaults a fresh install starts with.
CREATE TABLE membership_settings (
    id BIGINT PRIMARY KEY NOT NULL,
    number_prefix TEXT NOT NULL,
    number_width INTEGER NOT NULL,
    next_number BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO membership_settings (id, number_prefix, number_width, next_number, updated_at)
VALUES (1, 'HY', 5, 1, CURRENT_TIMESTAMP);

INSERT INTO member_types (name, dues_cents, enterprise_profiles, sort_order, created_at, updated_at) VALUES
('个人会员', 50000, 0, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('企业会员', 200000, 1, 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

INSERT INTO positions (name, rank, can_review, can_view_contacts, can_read_members_only, created_at, updated_at) VALUES
('会长', 1, 1, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('副会长', 2, 1, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('秘书长', 3, 1, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('理事', 4, 0, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('会员', 5, 0, 0, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

-- GB/T 4754-2017 sections (门类) A–T.
INSERT INTO industries (code, name, created_at, updated_at) VALUES
('A', '农、林、牧、渔业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('B', '采矿业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('C', '制造业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('D', '电力、热力、燃气及水生产和供应业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('E', '建筑业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('F', '批发和零售业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('G', '交通运输、仓储和邮政业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('H', '住宿和餐饮业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('I', '信息传输、软件和信息技术服务业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('J', '金融业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('K', '房地产业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('L', '租赁和商务服务业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('M', '科学研究和技术服务业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('N', '水利、环境和公共设施管理业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('O', '居民服务、修理和其他服务业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('P', '教育', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('Q', '卫生和社会工作', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('R', '文化、体育和娱乐业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('S', '公共管理、社会保障和社会组织', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('T', '国际组织', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
