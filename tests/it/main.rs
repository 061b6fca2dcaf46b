//! The integration suite: one test binary, a real `ticketd serve` per test on a loopback port
//! with a temp database, spoken to over real HTTP. See `harness.rs` for the fixture and
//! `http.rs` for the client.

mod harness;
mod html;
mod http;

mod admin;
mod api;
mod attachments;
mod call_code;
mod cli;
mod conditional_get;
mod contacts;
mod contingents;
mod deep_pages;
mod details;
mod edge;
mod export;
mod fields;
mod files;
mod hardening;
mod hotline;
mod imap;
mod import;
mod language;
mod layers;
mod links;
mod login;
mod mail;
mod mail_in;
mod people;
mod portal;
mod query_plan;
mod replication;
mod scale;
mod search_index;
mod secrets;
mod security;
mod settings;
mod settings_live;
mod staff;
mod staff_day;
mod timeline_pages;
mod totp;
mod webhooks;
