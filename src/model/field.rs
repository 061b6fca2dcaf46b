//! The custom ticket fields of `[[fields]]`: their definition as the config file spells it, read
//! by `config`, checked by `app`, rendered by `views`.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Text {
    Plain(String),
    Localized { de: String, en: String },
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match self {
            Text::Plain(s) => s,
            Text::Localized { de, en } => match lang {
                Lang::De => de,
                Lang::En => en,
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Text,
    Textarea,
    Number,
    Date,
    Email,
    Phone,
    Select,
    Checkbox,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum FieldOption {
    Plain(String),
    Localized { value: String, de: String, en: String },
}

impl FieldOption {
    pub fn value(&self) -> &str {
        match self {
            FieldOption::Plain(s) => s,
            FieldOption::Localized { value, .. } => value,
        }
    }

    pub fn label(&self, lang: Lang) -> &str {
        match self {
            FieldOption::Plain(s) => s,
            FieldOption::Localized { de, en, .. } => match lang {
                Lang::De => de,
                Lang::En => en,
            },
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShowWhen {
    pub field: String,
    pub equals: Option<String>,
    #[serde(rename = "in")]
    pub any_of: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub key: String,
    pub label: Text,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub options: Vec<FieldOption>,
    pub help: Option<Text>,
    pub show_when: Option<ShowWhen>,
    #[serde(default)]
    pub list_column: bool,
    #[serde(default)]
    pub customer_editable: bool,
    /// A retired field is in no form any more; tickets keep their stored values.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

/// Is `field` shown, given the other fields' values (keys without `cf_`)? A field whose
/// controlling field is unknown or itself hidden is hidden. `app` judges submitted forms with
/// it; views use it where the controlling field is not in the form (the customer's "Angaben
/// ändern" box holds only `customer_editable` fields).
pub fn field_shown(field: &Field, value_of: &dyn Fn(&str) -> Option<String>, all: &[Field]) -> bool {
    let Some(sw) = &field.show_when else {
        return true;
    };
    let Some(parent) = all.iter().find(|f| f.key == sw.field) else {
        return false;
    };
    if !field_shown(parent, value_of, all) {
        return false;
    }
    let v = value_of(&sw.field).unwrap_or_default();
    let v = v.trim();
    sw.equals.as_deref() == Some(v) || sw.any_of.as_ref().is_some_and(|l| l.iter().any(|x| x == v))
}
