//! ticketd: a customer ticket portal in one binary with one SQLite file.
//!
//! Layers: `web` (rouille) → `app` (use-cases) → `db` (all SQL); `views` render view models;
//! `model` is the vocabulary. See ARCHITECTURE.md.

pub mod app;
pub mod assets;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod i18n;
pub mod mail;
pub mod model;
pub mod sync;
pub mod views;
pub mod web;
pub mod zip;
