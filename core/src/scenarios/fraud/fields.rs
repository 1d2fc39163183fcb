//! Field paths of the fraud scenario's streams, in row order (the Python `FieldSpec` order).

/// Transactions: the original producer's fields, then the full-schema fields and drift fields.
/// `is_fraud` is dropped by projection when labels are delayed.
pub const TRANSACTION: &[&str] = &[
    "transaction_id",
    "user_id",
    "timestamp",
    "amount",
    "currency",
    "merchant_id",
    "product_category",
    "transaction_type",
    "payment_method",
    "location.lat",
    "location.lon",
    "ip_address",
    "device_info.os",
    "device_info.browser",
    "user_agent",
    "account_age_days",
    "cvv_provided",
    "billing_address_match",
    "is_fraud",
    "channel",
    "fraud_type",
    "campaign_id",
    "home_distance_km",
    "new_device",
    "concept_id",
    "drift_phase",
];

/// Delayed labels (`<topic>_labels`).
pub const LABEL: &[&str] = &[
    "transaction_id",
    "user_id",
    "transaction_timestamp",
    "is_fraud",
    "fraud_type",
    "confirmed_at",
];
