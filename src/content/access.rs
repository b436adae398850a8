//! Who reads: the one audience rule of content (articles, their files, the home),
//! decided at request time from the reader's current membership and position — a
//! member who resigned, or whose position was lowered, loses access on the next request.

use crate::db::DbConn;
use crate::error::AppError;
use crate::membership::model::PositionRow;

use super::model::audience;

/// What the audience rule needs to know of the reader, read in the request's own
/// transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Reader {
    /// The signed-in user (none: no token).
    pub user_id: Option<i64>,
    /// Active member whose position may read members-only content.
    pub reads_members_only: bool,
    /// Ids of the positions whose rank is at or below the reader's own (an article of
    /// audience `position` admits the reader when its `min_position_id` is one of them);
    /// empty for non-members.
    pub positions_at_or_below: Vec<i64>,
}

impl Reader {
    /// A reader without a token.
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// The reader `user_id` (none: no token) as of now.
    pub fn load(conn: &mut DbConn, user_id: Option<i64>) -> Result<Self, AppError> {
        let Some(uid) = user_id else { return Ok(Self::anonymous()) };
        let Some(facts) = crate::membership::active_member_facts(conn, uid)? else {
            return Ok(Self { user_id, ..Self::default() });
        };
        let positions = crate::membership::all_positions(conn)?;
        Ok(Self::of_member(user_id, facts.position_id, &positions))
    }

    /// A member holding `position_id`, given every position.
    pub fn of_member(user_id: Option<i64>, position_id: i64, positions: &[PositionRow]) -> Self {
        let Some(mine) = positions.iter().find(|p| p.id == position_id) else {
            return Self { user_id, ..Self::default() };
        };
        Self {
            user_id,
            reads_members_only: mine.can_read_members_only,
            positions_at_or_below: positions
                .iter()
                .filter(|p| p.rank >= mine.rank)
                .map(|p| p.id)
                .collect(),
        }
    }

    /// Whether an item of `audience_` (with `min_position_id`) is for this reader.
    pub fn admits(&self, audience_: &str, min_position_id: Option<i64>) -> bool {
        match audience_ {
            audience::EVERYONE => true,
            audience::MEMBERS => self.reads_members_only,
            audience::POSITION => {
                min_position_id.is_some_and(|id| self.positions_at_or_below.contains(&id))
            }
            _ => false,
        }
    }

    /// A key that is equal for readers who are admitted to the same items (the home
    /// page's cache key): the user does not matter, only what they may read.
    pub fn audience_key(&self) -> (bool, Vec<i64>) {
        let mut ids = self.positions_at_or_below.clone();
        ids.sort_unstable();
        (self.reads_members_only, ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(id: i64, rank: i32, reads: bool) -> PositionRow {
        let at = chrono::NaiveDateTime::default();
        PositionRow {
            id,
            name: format!("p{id}"),
            rank,
            can_review: false,
            can_view_contacts: false,
            can_read_members_only: reads,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn the_rule_for_each_kind_of_reader() {
        let all = [position(1, 1, true), position(4, 4, true), position(5, 5, false)];
        let president = Reader::of_member(Some(1), 1, &all);
        let director = Reader::of_member(Some(2), 4, &all);
        let plain = Reader::of_member(Some(3), 5, &all);
        let visitor = Reader { user_id: Some(4), ..Reader::default() };
        for r in [&president, &director, &plain, &visitor, &Reader::anonymous()] {
            assert!(r.admits(audience::EVERYONE, None));
        }
        assert!(president.admits(audience::MEMBERS, None));
        assert!(!plain.admits(audience::MEMBERS, None), "position without members-only reading");
        assert!(!visitor.admits(audience::MEMBERS, None));
        assert!(director.admits(audience::POSITION, Some(4)));
        assert!(president.admits(audience::POSITION, Some(4)));
        assert!(!plain.admits(audience::POSITION, Some(4)), "a lower position");
        assert!(!visitor.admits(audience::POSITION, Some(5)));
        assert!(!president.admits("vip", None));
    }
}
