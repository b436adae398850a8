//! Profiles: member profiles, enterprises, experts, cards and certificates.

pub mod card;
pub mod card_cache;
pub mod card_image;
pub mod card_model;
pub mod card_staff;
pub mod card_store;
pub mod card_view;
pub mod card_visits;
pub mod certificates;
pub mod certificates_model;
pub mod certificates_staff;
pub mod certificates_store;
pub mod enterprises;
pub mod enterprises_model;
pub mod enterprises_review;
pub mod enterprises_store;
pub mod experts;
pub mod experts_model;
pub mod experts_staff;
pub mod experts_store;
pub mod member_profiles;
pub mod member_profiles_model;
pub mod member_profiles_store;
pub mod reviewed;
pub mod reviews;
